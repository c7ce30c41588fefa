public import Ledger

/// Which events a fold takes: a range of positions, and optionally only those that happened
/// at or before a time (history arrives late, so this is a filter, not a prefix).
struct FoldRange {
    var from: UInt64
    var through: UInt64
    var occurredAtMost: Timestamp?
}

/// One pass over the log feeding every slot the records it consumes.
///
/// Each record is read once, in place, its header's type tag looked up once, and the record
/// handed to each interested slot whose position is behind it. No allocation per record.
enum Fold {
    /// Folds the records of `range` into `slots` within `scope`'s snapshot.
    ///
    /// - Parameter snapshot: called after the record at every multiple of `snapshotInterval`
    ///   has been folded (when the interval is non-zero).
    /// - Returns: the last position read (`range.from - 1` when none).
    @discardableResult
    static func run(
        _ slots: [ProjectionSlot], in scope: ReadScope, range: FoldRange,
        snapshotInterval: UInt64 = 0, snapshot: (UInt64) -> Void = { _ in }
    ) throws -> UInt64 {
        let active = slots.filter { $0.failure == nil }
        guard !active.isEmpty else { return range.from &- 1 }
        let dispatch = TypeDispatch(active)
        var nextSnapshot = snapshotInterval == 0 ? UInt64.max : (range.from + snapshotInterval - 1) / snapshotInterval * snapshotInterval
        let cutoff = range.occurredAtMost?.rawValue ?? .max
        let last = try scope.forEachRecord(from: range.from, through: range.through) { record in
            let position = record.position
            if record.occurredAt.rawValue <= cutoff, let interested = dispatch.slots(for: record.typeTag) {
                for slot in interested where position > slot.position && slot.failure == nil {
                    do {
                        try slot.fold(record)
                    } catch {
                        slot.failure = ProjectionFailure(projection: slot.name, position: position, eventType: record.type, reason: "\(error)")
                        slot.position = position - 1
                    }
                }
            }
            if position == nextSnapshot {
                for slot in active where slot.failure == nil && slot.position < position { slot.position = position }
                snapshot(position)
                nextSnapshot += snapshotInterval
            }
            return true
        }
        for slot in active where slot.failure == nil && slot.position < last { slot.position = last }
        return last
    }
}
