import Ledger
import Logging
import Synchronization

extension ProjectionEngine {
    /// Folds every catch-up projection up to the log's current head, in one pass shared by
    /// all of them (one per thread when a chunk is split, see ``Configuration/threads``), and
    /// persists their checkpoints.
    ///
    /// Works in chunks of ``Configuration/chunkSize`` events, each in its own read snapshot,
    /// persisting every ``Configuration/checkpointInterval`` events and at the end.
    /// A projection that throws stops at that event (see ``status()``); the others go on.
    ///
    /// - Returns: the head folded to.
    /// - Throws: `LedgerError` when the store cannot be read or written.
    @discardableResult
    public func catchUp() async throws -> UInt64 {
        let head = try ledger.head
        var sincePersist: UInt64 = 0
        let pending = Mutex<[(key: [UInt8], state: [UInt8])]>([])
        while true {
            let folded: UInt64 = try catchUpSlots.withLock { slots in
                let behind = slots.filter { $0.failure == nil && $0.position < head }
                guard let lowest = behind.map(\.position).min() else {
                    publishProgress(slots, head: head)
                    return 0
                }
                let range = FoldRange(from: lowest + 1, through: Swift.min(head, lowest + configuration.chunkSize))
                // Small ranges (a live catch-up) are not worth a second thread.
                let threads = range.through - range.from >= 50_000 ? configuration.threads : 1
                try Fold.run(behind, ledger: ledger, range: range, threads: threads, snapshots: true) { position, group in
                    let states = group.filter { $0.failure == nil && $0.position == position && $0.snapshotIsDue(at: position) }.map {
                        (key: CheckpointStore.snapshotKey($0.name, version: $0.version, position: position), state: $0.encodedState())
                    }
                    pending.withLock { $0 += states }
                }
                for slot in behind {
                    guard let failure = slot.failure else { continue }
                    configuration.logger.error("projection stopped", metadata: ["failure": "\(failure)"])
                    try ledger.read { scope in try repair(slot, in: scope) }
                }
                publishProgress(slots, head: range.through)
                return range.through - range.from + 1
            }
            if folded == 0 { break }
            sincePersist += folded
            if sincePersist >= configuration.checkpointInterval {
                try await persist(snapshots: pending.withLock { $0 })
                pending.withLock { $0.removeAll() }
                sincePersist = 0
            }
            await Task.yield()
        }
        let snapshots = pending.withLock { $0 }
        if sincePersist > 0 || !snapshots.isEmpty { try await persist(snapshots: snapshots) }
        return head
    }

    /// Writes every catch-up projection's checkpoint (and `snapshots`) in one transaction.
    func persist(snapshots: [(key: [UInt8], state: [UInt8])]) async throws {
        let values = catchUpSlots.withLock { slots in
            slots.map { slot in
                (name: slot.name, position: slot.position,
                 value: CheckpointStore.checkpointValue(version: slot.version, position: slot.position, state: slot.encodedState()))
            }
        }
        let store = self.store
        try await ledger.write { scope in
            for (name, _, value) in values { try scope.set(value, for: Array(name.utf8), in: store.checkpoints) }
            for (key, state) in snapshots { try scope.set(state, for: key, in: store.snapshots) }
        }
        persisted.withLock { persisted in
            for (name, position, _) in values { persisted[name] = position }
        }
    }

    /// Starts following the log: a task that catches up after every commit until ``stop()``.
    ///
    /// The runner is woken by commits (the ledger's `waitForCommit(beyond:)`), never polls, and
    /// logs (does not throw) storage errors, retrying at the next commit.
    public func start() {
        runner.withLock { runner in
            guard runner == nil else { return }
            runner = Task { [self] in
                while !Task.isCancelled {
                    var reached: UInt64 = 0
                    do {
                        reached = try await catchUp()
                    } catch {
                        configuration.logger.error("catch-up failed", metadata: ["error": "\(error)"])
                        reached = (try? ledger.head) ?? 0
                    }
                    guard await ledger.waitForCommit(beyond: reached) else { break }
                }
            }
        }
    }

    /// Stops the runner of ``start()`` and waits for it to finish the catch-up it is in (which
    /// runs to the head it started from).
    public func stop() async {
        let task = runner.withLock { runner in
            defer { runner = nil }
            return runner
        }
        task?.cancel()
        await task?.value
    }
}
