import Ledger
import Logging
import Synchronization

/// What a full replay did: how many events it read and how long it took.
public struct ReplayResult: Sendable, Hashable {
    /// The number of events read (the head replayed to).
    public var events: UInt64
    /// Wall-clock time of the fold.
    public var duration: Duration
    /// Projections that stopped at an event.
    public var failures: [ProjectionFailure]

    /// Events per second.
    public var eventsPerSecond: Double {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        return seconds > 0 ? Double(events) / seconds : 0
    }
}

extension ProjectionEngine {
    /// The state of a projection as of a past point, folded afresh without touching its
    /// persisted read model or the live state.
    ///
    /// - ``ReplayPoint/position(_:)``: starts from the latest snapshot at or before the
    ///   position, so the cost is at most ``Configuration/snapshotInterval`` events (plus
    ///   decoding the snapshot) where snapshots exist.
    /// - ``ReplayPoint/time(_:)``: folds, in log order, exactly the events whose `occurredAt`
    ///   is at or before the time — a filter over the whole log, since history arrives late.
    ///
    /// - Throws: ``ProjectionError/failed(_:)`` when the projection throws on an event within
    ///   the range; `LedgerError` when the store cannot be read.
    public func state<P>(of handle: ProjectionHandle<P>, asOf point: ReplayPoint) throws -> P.State {
        let slot = Slot(handle.projection)
        try ledger.read { scope in
            let head = try scope.head
            switch point {
            case .position(let position):
                let target = Swift.min(position, head)
                if let snapshot = try store.snapshot(of: slot.name, version: slot.version, atOrBefore: target, in: scope) {
                    do {
                        try slot.restore(snapshot.state, position: snapshot.position)
                    } catch {
                        slot.reset()
                    }
                    // A snapshot can be megabytes: count it against the ledger's bound on
                    // the mapped store, as the fold below counts the records it reads.
                    scope.countMapped(snapshot.state)
                }
                if slot.position < target {
                    try Fold.run([slot], in: scope, range: FoldRange(from: slot.position + 1, through: target))
                }
            case .time(let time):
                try Fold.run([slot], in: scope, range: FoldRange(from: 1, through: head, occurredAtMost: time))
            }
        }
        if let failure = slot.failure { throw ProjectionError.failed(failure) }
        return slot.state
    }

    /// Folds every registered projection from position 1 to the head into fresh states (one
    /// pass per thread, see ``Configuration/threads``), ignoring persisted read models and
    /// leaving live states alone: the full-replay figure of the benchmarks.
    ///
    /// - Throws: `LedgerError` when the store cannot be read.
    public func replayAll() throws -> ReplayResult {
        let slots = catchUpSlots.withLock { $0.map { $0.makeFresh() } } + inline.withSlots { $0.map { $0.makeFresh() } }
        let clock = ContinuousClock()
        var head: UInt64 = 0
        let duration = try clock.measure {
            head = try ledger.head
            try Fold.run(slots, ledger: ledger, range: FoldRange(from: 1, through: head), threads: configuration.threads)
        }
        return ReplayResult(events: head, duration: duration, failures: slots.compactMap(\.failure))
    }

    /// Rebuilds every catch-up projection from position 1 in one pass (per thread), replacing
    /// its persisted checkpoint and snapshots. Inline projections are rebuilt by bumping their
    /// version.
    ///
    /// - Throws: `LedgerError` when the store cannot be read or written.
    public func rebuild() async throws {
        let slots = catchUpSlots.withLock { slots in
            for slot in slots { slot.reset() }
            publishProgress(slots, head: 0)
            return slots
        }
        let store = self.store
        try await ledger.write { scope in
            for slot in slots { try store.removeSnapshots(of: slot.name, except: nil, in: scope) }
        }
        try await catchUp()
    }

    /// Clears a projection's failure and resumes it from its persisted checkpoint (which
    /// stops before the event it failed on) — after a fix that makes the fold succeed.
    ///
    /// - Throws: ``ProjectionError/unknownProjection(_:)`` for a handle of another engine;
    ///   ``ProjectionError/failed(_:)`` (inline) when the projection fails again; `LedgerError`.
    public func retry<P>(_ handle: ProjectionHandle<P>) async throws {
        switch handle.mode {
        case .catchUp:
            try catchUpSlots.withLock { slots in
                guard slots.contains(where: { $0 === handle.slot }) else { throw ProjectionError.unknownProjection(handle.slot.name) }
                _ = try ledger.read { scope in try restore(handle.slot, in: scope) }
                publishProgress(slots, head: 0)
            }
            try await catchUp()
        case .inline:
            guard inline.withSlots({ $0.contains { $0 === handle.slot } }) else { throw ProjectionError.unknownProjection(handle.slot.name) }
            _ = try inline.state(of: handle.slot, ledger: ledger)
        }
    }
}
