#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Synchronization

/// A second thread that completes and chains the records of a large append ahead of the
/// writer, so that hashing (SHA-256 at the processor's speed, about half of a writer's time)
/// overlaps with storing the records and their index entries instead of adding to it.
///
/// The chain is serial — each hash covers the previous one — so it cannot be split, but it
/// can be *moved*: every field of a record, including those the ledger assigns, is known once
/// the append is planned (``RecordAssignments``). The appending task has encoded the records
/// already (``EncodedAppend/encodeRecords(into:)``); this thread fills in each new record's
/// assigned fields and its hash, in place, while the writer stores the append's index entries
/// (from the events' ids and the assigned positions); then the writer, at each record, waits
/// until it is ready and copies it into the store. Debug builds check each record against the
/// writer's own encoding.
///
/// One run at a time, begun and ended by the thread holding the write side: ``begin(_:)``
/// hands a run over, ``record(_:)`` takes record `k`, ``end()`` stops the run (early, when
/// the write failed) and waits until this thread has let go of it. Between runs the thread
/// spins briefly for the next one (consecutive appends then cost no wake-up), then sleeps.
///
/// `@unchecked Sendable`: ``job`` is written by the write side only while no run is in
/// progress and read by this thread only during a run; the hand-over is ordered by the
/// atomics (``posted`` released after the job is stored, ``done`` after each record).
final class ChainHasher: @unchecked Sendable {
    /// Appends of fewer new records are hashed by the writer itself: handing a run over costs
    /// about as much as hashing a few dozen records.
    static let minimumRecords = 48

    /// What a run completes and chains (its append's ``EncodedAppend/records`` are there).
    struct Job {
        let append: EncodedAppend
        let assignments: RecordAssignments
        let recordedAt: Timestamp
        let previousHash: RecordHash
        let chained: Bool
    }

    private var job: Job?

    /// Runs handed over so far; the thread starts run `posted` when it sees it change.
    private let posted = Atomic<UInt64>(0)
    /// The last run the thread has let go of (finished or stopped).
    private let released = Atomic<UInt64>(0)
    /// Records of the current run hashed so far.
    private let done = Atomic<Int>(0)
    private let stopRun = Atomic<Bool>(false)
    private let closing = Atomic<Bool>(false)
    /// Whether the thread is (about to be) blocked on ``wakeup``.
    private let sleeping = Atomic<Bool>(false)
    private let wakeup = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts the thread.
    init() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "careledger-hasher"
        thread.start()
    }

    /// Hands `job` over; its records are then taken with ``record(_:)``, and the run ended
    /// with ``end()`` before the next ``begin(_:)``.
    func begin(_ job: Job) {
        precondition(job.append.records != nil, "a chained append is encoded in advance")
        self.job = job
        done.store(0, ordering: .relaxed)
        stopRun.store(false, ordering: .relaxed)
        posted.wrappingAdd(1, ordering: .sequentiallyConsistent)
        if sleeping.exchange(false, ordering: .sequentiallyConsistent) { wakeup.signal() }
    }

    /// Record `k` of the run (in ``RecordAssignments/records`` order), whole and hashed,
    /// waiting for the thread to finish it. Valid until ``end()``.
    @inline(__always)
    func record(_ k: Int) -> UnsafeRawBufferPointer {
        Self.wait { done.load(ordering: .acquiring) > k }
        let job = job.unsafelyUnwrapped
        return UnsafeRawBufferPointer(rebasing: job.append.records.unsafelyUnwrapped.bytes[job.assignments.records[k].range])
    }

    /// Ends the run: stops the thread if it is still hashing and waits until it has let go.
    func end() {
        stopRun.store(true, ordering: .releasing)
        let run = posted.load(ordering: .relaxed)
        Self.wait { released.load(ordering: .acquiring) == run }
        job = nil
    }

    /// Ends the thread and waits for it (no run may be in progress).
    func close() {
        closing.store(true, ordering: .sequentiallyConsistent)
        posted.wrappingAdd(1, ordering: .sequentiallyConsistent)
        if sleeping.exchange(false, ordering: .sequentiallyConsistent) { wakeup.signal() }
        finished.wait()
    }

    /// Spins until `condition` holds, yielding the processor now and then (the other side
    /// may be waiting for a core).
    @inline(__always)
    private static func wait(until condition: () -> Bool) {
        var spins = 0
        while !condition() {
            spins &+= 1
            if spins & 255 == 0 { sched_yield() }
        }
    }

    private func run() {
        var seen: UInt64 = 0
        while true {
            seen = waitForRun(after: seen)
            if closing.load(ordering: .acquiring) { return }
            if let job { complete(job) }
            released.store(seen, ordering: .releasing)
        }
    }

    /// Spins for a moment, then sleeps, until a run after `seen` is posted; returns its number.
    private func waitForRun(after seen: UInt64) -> UInt64 {
        let deadline = ContinuousClock.now.advanced(by: .microseconds(200))
        var spins = 0
        while true {
            let current = posted.load(ordering: .acquiring)
            if current != seen { return current }
            spins &+= 1
            if spins & 1_023 == 0, ContinuousClock.now >= deadline { break }
        }
        sleeping.store(true, ordering: .sequentiallyConsistent)
        let current = posted.load(ordering: .sequentiallyConsistent)
        if current != seen {
            // A writer that saw the flag set will signal: consume that signal.
            if !sleeping.exchange(false, ordering: .sequentiallyConsistent) { wakeup.wait() }
            return current
        }
        wakeup.wait()
        return posted.load(ordering: .acquiring)
    }

    /// Fills in the run's records' assigned fields and chains them, in place, publishing each
    /// as it is done.
    private func complete(_ job: Job) {
        guard let bytes = job.append.records?.bytes else { return }
        var hash = job.previousHash
        job.assignments.records.withUnsafeBufferPointer { records in
            for k in records.indices {
                if stopRun.load(ordering: .relaxed) { return }
                let record = records[k]
                let out = UnsafeMutableRawBufferPointer(rebasing: bytes[record.range])
                record.fill(out, recordedAt: job.recordedAt, chained: job.chained)
                let end = out.count - RecordLayout.hashSize
                hash = HashChain.hash(after: hash, canonical: UnsafeRawBufferPointer(rebasing: out[0 ..< end]))
                hash.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: out[end...]).copyMemory(from: $0) }
                done.store(k + 1, ordering: .releasing)
            }
        }
    }
}
