import Ledger
import Synchronization

/// The inline projections of an engine, folded inside each append's transaction.
///
/// As the ledger's ``AppendHook`` it folds each stored record into every inline slot and,
/// once per append, writes each slot's checkpoint into the same transaction. If the append is
/// then refused or its transaction aborted, the in-memory state is ahead of the store; the
/// next record or read notices (the slot's position is not the one before the record, or not
/// the committed head) and restores the slot from its stored checkpoint.
final class InlineProjections: AppendHook, Sendable {
    private let slots = Mutex<[ProjectionSlot]>([])
    private let hooked = Mutex(false)
    let store: CheckpointStore

    init(store: CheckpointStore) {
        self.store = store
    }

    /// Whether the hook still has to be added to the ledger (true once).
    func hookNeeded() -> Bool {
        hooked.withLock { hooked in
            defer { hooked = true }
            return !hooked
        }
    }

    /// Adds `slot` once (the write that registers it may run again after the map grows).
    func add(_ slot: ProjectionSlot) {
        slots.withLock { slots in
            if !slots.contains(where: { $0 === slot }) { slots.append(slot) }
        }
    }

    func withSlots<T>(_ body: ([ProjectionSlot]) throws -> T) rethrows -> T {
        try slots.withLock { try body($0) }
    }

    func didAppend(_ record: RecordView, in scope: WriteScope) throws {
        let position = record.position
        let tag = record.typeTag
        try slots.withLock { slots in
            for slot in slots where slot.failure == nil {
                if slot.position != position - 1 { try resync(slot, to: position - 1, in: scope.reader) }
                guard slot.failure == nil else { continue }
                if slot.tags.contains(tag) {
                    do {
                        try slot.fold(record)
                    } catch {
                        // Undo what the fold changed before it threw: back to the state before
                        // this event, from the stored checkpoint and the log.
                        let failure = ProjectionFailure(projection: slot.name, position: position, eventType: record.type, reason: "\(error)")
                        try resync(slot, to: position - 1, in: scope.reader)
                        slot.failure = failure
                        continue
                    }
                }
                slot.position = position
                if slot.snapshotIsDue(at: position) {
                    let key = CheckpointStore.snapshotKey(slot.name, version: slot.version, position: position)
                    try scope.set(slot.encodedState(), for: key, in: store.snapshots)
                }
            }
        }
    }

    func didFinishAppend(through position: UInt64, in scope: WriteScope) throws {
        try slots.withLock { slots in
            for slot in slots { try store.saveCheckpoint(of: slot, in: scope) }
        }
    }

    /// Brings `slot` to `target` from its stored checkpoint and the log, both as `scope` sees them.
    private func resync(_ slot: ProjectionSlot, to target: UInt64, in scope: ReadScope) throws {
        if let stored = try store.checkpoint(of: slot.name, in: scope), stored.version == slot.version, stored.position <= target {
            try slot.restore(stored.state, position: stored.position)
        } else {
            slot.reset()
        }
        if slot.position < target {
            try Fold.run([slot], in: scope, range: FoldRange(from: slot.position + 1, through: target))
        }
    }

    /// The state of an inline slot as of the last commit.
    func state<P>(of slot: Slot<P>, ledger: Ledger) throws -> P.State {
        try slots.withLock { _ in
            try ledger.read { scope in
                let head = try scope.head
                if slot.position != head || slot.failure != nil {
                    if let stored = try store.checkpoint(of: slot.name, in: scope), stored.version == slot.version {
                        try slot.restore(stored.state, position: stored.position)
                    }
                    // A failed slot's checkpoint stops before the event it failed on.
                    if slot.position < head {
                        try Fold.run([slot], in: scope, range: FoldRange(from: slot.position + 1, through: head))
                    }
                }
                if let failure = slot.failure { throw ProjectionError.failed(failure) }
                return slot.state
            }
        }
    }
}
