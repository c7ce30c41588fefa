#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Keeps the passes of a parallel fold close together in the log, so that the part of the
/// memory map one pass has just brought in is still mapped when the other reaches it.
///
/// The ledger keeps only a bounded share of the map resident during scans (its
/// `scanResidentBudget`), and a store's log pages are scattered over the file, so two passes
/// far apart would each fault in and release the same pages: twice the faults, and releases
/// that interrupt the other thread. Each pass reports its position after every group of
/// records (``advance(_:to:)``) and waits while it is more than ``window`` positions ahead
/// of the slowest pass still running. A pass that ends, or stops, reports itself done
/// (``finish(_:)``), so the others never wait for it.
///
/// `Sendable`: one atomic position per pass.
final class ScanPacer: Sendable {
    /// How far, in log positions, a pass may run ahead of the slowest.
    static let window: UInt64 = 256

    /// A pass's position; `UInt64.max` until its first report, and once it is done, so that
    /// no pass waits for one that has not started (the passes may run one after the other) or
    /// has ended.
    private final class Lane: Sendable {
        let position = Atomic<UInt64>(.max)
    }

    private let lanes: [Lane]

    /// A pacer for `count` passes, none started.
    init(passes count: Int) {
        lanes = (0 ..< count).map { _ in Lane() }
    }

    /// Reports that pass `lane` has folded through `position`, and waits while it is more
    /// than ``window`` ahead of the slowest other pass. Cost: an atomic store and a load per
    /// other pass; waiting yields the processor.
    @inline(__always)
    func advance(_ lane: Int, to position: UInt64) {
        lanes[lane].position.store(position, ordering: .relaxed)
        var spins = 0
        while position > slowest(except: lane) &+ Self.window {
            spins &+= 1
            if spins & 63 == 0 { sched_yield() }
        }
    }

    /// Reports that pass `lane` is done: no pass waits for it any more.
    func finish(_ lane: Int) {
        lanes[lane].position.store(.max, ordering: .relaxed)
    }

    @inline(__always)
    private func slowest(except lane: Int) -> UInt64 {
        var slowest = UInt64.max
        for index in lanes.indices where index != lane {
            slowest = Swift.min(slowest, lanes[index].position.load(ordering: .relaxed))
        }
        return slowest == .max ? .max - Self.window : slowest
    }
}
