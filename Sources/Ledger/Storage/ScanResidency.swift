#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLMDB
import Synchronization

/// The part of the memory map that long reads (record scans) keep mapped, bounded by one
/// budget for the whole environment, however many scans run at once.
///
/// The map is counted in *blocks* of ``blockSize`` (2 MiB): the page cache holds a store
/// file in large folios, and a fault on one page maps the pages around it, up to a whole
/// folio, so a release finer than a block leaves most of what a scan mapped in place. Scans
/// report the blocks they enter (``use(_:lowest:highest:)``, a few at a time, never per
/// record); when the blocks in use exceed the budget, the least recently used are unmapped
/// (`MADV_DONTNEED`: the pages stay in the page cache, and the next access maps them again
/// with a minor fault). A block used by two scans — the passes of a parallel fold — stays
/// mapped while either keeps using it.
///
/// Releases happen only while a transaction is open (a scan calls ``use(_:lowest:highest:)``
/// from inside one), so never during a resize of the map, and only within the addresses
/// scans have seen in the map; a resize forgets every block (``forget()``), since the map
/// may have moved.
///
/// `Sendable`: all state is behind a `Mutex`, taken once per few blocks a scan enters.
final class ScanResidency: Sendable {
    /// Bytes per block: the size of the largest page-cache folio (and of a PMD mapping).
    static let blockShift = 21
    static let blockSize = 1 << blockShift

    /// Blocks a scan collects before reporting them (at most this many blocks per scan are
    /// mapped beyond the budget). Four: with the 16 MiB default budget, a two-pass replay
    /// keeps at most 32 MiB of the map mapped (`careledger replay` of a compacted copy of
    /// 10 M events peaked at 268 MB, against 292 MB with eight blocks and 32 MiB), for one
    /// lock and at most one `process_madvise` per 8 MiB a scan reads.
    static let batch = 4

    private struct State {
        var clock: UInt64 = 0
        /// Block number (address >> ``blockShift``) → the clock when a scan last entered it.
        var blocks: [UInt: UInt64]
        /// Bounds of addresses seen in the map (a release never reaches outside them).
        var lowest = UInt.max
        var highest: UInt = 0
    }

    /// The most blocks kept mapped.
    let budgetBlocks: Int
    private let state: Mutex<State>
    private let pageMask = ScanResidency.pageSize - 1

    /// The system's page size: what `madvise` works in, and LMDB's page size (scans use it to
    /// find a record's page, see `Ledger.prefetchAhead(of:pageSize:lastPage:)`).
    static let pageSize = UInt(sysconf(Int32(_SC_PAGESIZE)))

    /// A residency of at most `budget` bytes (rounded down to blocks, at least one block).
    init(budget: Int) {
        budgetBlocks = Swift.max(1, budget >> Self.blockShift)
        // Room for the budget, but not for a budget set out of reach on purpose.
        state = Mutex(State(blocks: Dictionary(minimumCapacity: Swift.min(budgetBlocks, 4_096) + Self.batch * 4)))
    }

    /// Records that a scan entered `blocks` (block numbers), which lie between the map
    /// addresses `lowest` and `highest`, and unmaps the least recently used blocks beyond the
    /// budget. Call only while a transaction of this environment is open.
    func use(_ blocks: UnsafeMutableBufferPointer<UInt>, lowest: UInt, highest: UInt) {
        guard !blocks.isEmpty else { return }
        let (low, high, evicted) = state.withLock { state -> (UInt, UInt, Int) in
            state.lowest = Swift.min(state.lowest, lowest)
            state.highest = Swift.max(state.highest, highest)
            for block in blocks {
                state.clock &+= 1
                state.blocks[block] = state.clock
            }
            // Reuse the caller's buffer for the evicted blocks: there are never more of them
            // than blocks just entered, since the set held at most the budget before.
            var evicted = 0
            while state.blocks.count > budgetBlocks, evicted < blocks.count {
                guard let oldest = state.blocks.min(by: { $0.value < $1.value }) else { break }
                state.blocks.removeValue(forKey: oldest.key)
                blocks[evicted] = oldest.key
                evicted += 1
            }
            return (state.lowest, state.highest, evicted)
        }
        guard evicted > 0 else { return }
        var released = UnsafeMutableBufferPointer(rebasing: blocks[0 ..< evicted])
        released.sort()
        withUnsafeTemporaryAllocation(of: iovec.self, capacity: evicted) { ranges in
            // Coalesce neighbouring blocks into one range; clip to the seen part of the map.
            var count = 0
            var bytes = 0
            var index = 0
            while index < evicted {
                var end = index + 1
                while end < evicted, released[end] == released[end - 1] + 1 { end += 1 }
                let from = Swift.max(released[index] << Self.blockShift, low & ~pageMask)
                let to = Swift.min((released[end - 1] + 1) << Self.blockShift, (high &+ pageMask) & ~pageMask)
                if to > from, let address = UnsafeMutableRawPointer(bitPattern: from) {
                    ranges[count] = iovec(iov_base: address, iov_len: Int(to - from))
                    count += 1
                    bytes += Int(to - from)
                }
                index = end
            }
            Self.release(UnsafeBufferPointer(rebasing: ranges[0 ..< count]), bytes: bytes)
        }
    }

    /// A pidfd of this process for ``release(_:bytes:)``, or `nil` where there is none.
    private static let ownPidfd: Int32? = {
        let pidfd = clmdb_pidfd_open_self()
        return pidfd >= 0 ? pidfd : nil
    }()

    /// Whether `process_madvise` has taken every release so far (cleared at its first refusal).
    private static let batchedReleases = Atomic<Bool>(true)

    /// Unmaps `ranges` (`MADV_DONTNEED`; `bytes` in all): in one `process_madvise` call
    /// where the kernel takes one, else range by range.
    ///
    /// Unmapping pages of a process whose threads run on other processors interrupts each of
    /// those processors to flush its TLB; the kernel (since Linux 6.16) does that once per
    /// `process_madvise` call, for all its ranges, instead of once per `madvise`. On a
    /// virtual machine, where each such interrupt exits to the hypervisor, they were about 14%
    /// of a two-thread replay's samples with a call per range.
    private static func release(_ ranges: UnsafeBufferPointer<iovec>, bytes: Int) {
        guard !ranges.isEmpty else { return }
        if let pidfd = ownPidfd, batchedReleases.load(ordering: .relaxed) {
            let advised = clmdb_process_madvise(pidfd, ranges.baseAddress, ranges.count, Int32(MADV_DONTNEED))
            let error = errno
            if advised == bytes { return }
            // Refused for good (no such call, or a kernel before 6.13, which takes no
            // MADV_DONTNEED from it): range by range from now on. Stopped part way: range by
            // range this time (advising a range twice changes nothing).
            if advised < 0, error == ENOSYS || error == EINVAL || error == EPERM || error == EBADF {
                batchedReleases.store(false, ordering: .relaxed)
            }
        }
        for range in ranges {
            _ = madvise(range.iov_base, range.iov_len, Int32(MADV_DONTNEED))
        }
    }

    /// Forgets every block (after a resize, when the map may have moved).
    func forget() {
        state.withLock { state in
            state.blocks.removeAll(keepingCapacity: true)
            state.lowest = .max
            state.highest = 0
        }
    }

    /// The number of blocks held.
    var heldBlocks: Int { state.withLock { $0.blocks.count } }
}
