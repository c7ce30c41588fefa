import Ledger

/// Which events a fold takes: a range of positions, and optionally only those that happened
/// at or before a time (history arrives late, so this is a filter, not a prefix).
struct FoldRange: Sendable {
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
    /// - Parameter snapshots: whether to call `snapshot` after the record at every multiple
    ///   of any slot's ``ProjectionSlot/snapshotInterval`` (the callback picks the slots
    ///   whose interval divides the position, see ``ProjectionSlot/snapshotIsDue(at:)``).
    /// - Returns: the last position read (`range.from - 1` when none).
    @discardableResult
    static func run(
        _ slots: [ProjectionSlot], in scope: ReadScope, range: FoldRange,
        snapshots: Bool = false, pacer: (ScanPacer, lane: Int)? = nil, snapshot: (UInt64) -> Void = { _ in }
    ) throws -> UInt64 {
        let active = slots.filter { $0.failure == nil }
        guard !active.isEmpty else { return range.from &- 1 }
        // The loop's per-slot data lives in local buffers, neither in the slots nor in arrays:
        // reading a class's stored `var` costs a dynamic exclusivity check, and an array
        // captured by the closure below is retained and released around each element read (a
        // slice of one retains it too); per event per slot, either would dominate the fold.
        let dispatch = TypeDispatch(active.map(\.tags))
        let consumers = UnsafeMutableBufferPointer<Int>.allocate(capacity: dispatch.consumers.count)
        _ = consumers.initialize(from: dispatch.consumers)
        let handles = UnsafeMutableBufferPointer<Unmanaged<ProjectionSlot>>.allocate(capacity: active.count)
        _ = handles.initialize(from: active.map { Unmanaged.passUnretained($0) })
        let positions = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: active.count)
        _ = positions.initialize(from: active.map(\.position))
        let stopped = UnsafeMutableBufferPointer<Bool>.allocate(capacity: active.count)
        stopped.initialize(repeating: false)
        defer {
            consumers.deallocate()
            handles.deallocate()
            positions.deallocate()
            stopped.deallocate()
        }
        let intervals = snapshots ? active.map(\.snapshotInterval).filter { $0 > 0 } : []
        /// The first multiple of an interval at or after `position`.
        func snapshotPoint(atOrAfter position: UInt64) -> UInt64 {
            intervals.map { (position + $0 - 1) / $0 * $0 }.min() ?? .max
        }
        var nextSnapshot = snapshotPoint(atOrAfter: range.from)
        let cutoff = range.occurredAtMost?.rawValue ?? .max
        func settle(through position: UInt64) {
            for (index, slot) in active.enumerated() {
                slot.position = Swift.max(positions[index], stopped[index] ? 0 : position)
            }
        }
        // Each record's consumers, found once per record of a group and used by both passes.
        var routes = UnsafeMutableBufferPointer<Range<Int>>.allocate(capacity: 16)
        defer { routes.deallocate() }
        let last = try withExtendedLifetime(active) {
            try scope.forEachRecordGroup(from: range.from, through: range.through) { group in
                // Hints first, for the whole group, so that the look-ups' cache misses overlap.
                if group.count > routes.count {
                    routes.deallocate()
                    routes = .allocate(capacity: group.count)
                }
                for (offset, record) in group.enumerated() {
                    let route = record.occurredAt.rawValue <= cutoff ? dispatch.consumers(of: record.typeTag) : 0 ..< 0
                    routes[offset] = route
                    for consumer in route {
                        let index = consumers[consumer]
                        if !stopped[index] { handles[index]._withUnsafeGuaranteedRef { $0.prefetch(record) } }
                    }
                }
                for (offset, record) in group.enumerated() {
                    let position = record.position
                    for consumer in routes[offset] {
                        let index = consumers[consumer]
                        guard position > positions[index] && !stopped[index] else { continue }
                        do {
                            try handles[index]._withUnsafeGuaranteedRef { try $0.fold(record) }
                        } catch {
                            let slot = active[index]
                            slot.failure = ProjectionFailure(projection: slot.name, position: position, eventType: record.type, reason: "\(error)")
                            stopped[index] = true
                            positions[index] = position - 1
                        }
                    }
                    if position == nextSnapshot {
                        settle(through: position)
                        snapshot(position)
                        nextSnapshot = snapshotPoint(atOrAfter: position + 1)
                    }
                }
                if let pacer, let last = group.last { pacer.0.advance(pacer.lane, to: last.position) }
                return true
            }
        }
        settle(through: last)
        return last
    }
}
