import Ledger
import Dispatch
import Synchronization


extension Fold {
    /// Folds `range` into `slots` using up to `threads` threads: the slots are split into
    /// groups of about equal work (by the number of event types they consume), and each group
    /// makes its own pass in its own read snapshot. The log is append-only and the range ends
    /// at a position already committed, so every group sees the same records.
    ///
    /// Two passes read the store twice, but each is shorter than one pass feeding every slot:
    /// the fold, not the read, dominates once several projections consume each record. The
    /// passes are kept within ``ScanPacer/window`` positions of each other, so that the pages
    /// of the memory map one brings in are still mapped when the other reaches them.
    ///
    /// - Parameter snapshot: called (from the group's thread) after the record at every
    ///   multiple of a slot's snapshot interval when `snapshots` is true, with the group's slots.
    /// - Returns: the last position read (`range.from - 1` when none).
    @discardableResult
    static func run(
        _ slots: [ProjectionSlot], ledger: Ledger, range: FoldRange, threads: Int,
        snapshots: Bool = false, snapshot: @escaping @Sendable (UInt64, [ProjectionSlot]) -> Void = { _, _ in }
    ) throws -> UInt64 {
        let groups = split(slots.filter { $0.failure == nil }, into: threads)
        if groups.count <= 1 {
            let group = groups.first ?? []
            return try ledger.read { scope in
                try Fold.run(group, in: scope, range: range, snapshots: snapshots) { snapshot($0, group) }
            }
        }
        let outcomes = Mutex<[Result<UInt64, any Error>?]>(Array(repeating: nil, count: groups.count))
        let pacer = ScanPacer(passes: groups.count)
        DispatchQueue.concurrentPerform(iterations: groups.count) { index in
            let group = groups[index]
            defer { pacer.finish(index) }
            let outcome = Result {
                try ledger.read { scope in
                    try Fold.run(group, in: scope, range: range, snapshots: snapshots, pacer: (pacer, index)) { snapshot($0, group) }
                }
            }
            outcomes.withLock { $0[index] = outcome }
        }
        var last = range.from &- 1
        for outcome in outcomes.withLock({ $0 }) {
            last = Swift.max(last, try outcome!.get())
        }
        return last
    }

    /// Splits `slots` into at most `count` groups of about equal work, largest first.
    static func split(_ slots: [ProjectionSlot], into count: Int) -> [[ProjectionSlot]] {
        let count = Swift.max(1, Swift.min(count, slots.count))
        var groups = Array(repeating: [ProjectionSlot](), count: count)
        var work = Array(repeating: 0, count: count)
        for slot in slots.sorted(by: { $0.tags.count > $1.tags.count }) {
            let lightest = work.indices.min { work[$0] < work[$1] }!
            groups[lightest].append(slot)
            work[lightest] += Swift.max(1, slot.tags.count)
        }
        return groups.filter { !$0.isEmpty }
    }
}
