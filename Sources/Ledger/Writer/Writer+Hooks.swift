/// The writer's path for appends when append hooks are registered: each append runs in a
/// nested transaction, so that a hook that refuses it rolls back only that append.
extension Writer {
    /// Writes each append in a nested transaction of its own, with its own cursors, and calls
    /// the hooks; an append that is refused (by its plan or a hook) is rolled back.
    func write(
        _ appends: [EncodedAppend], in transaction: borrowing WriteTransaction, hooks: [any AppendHook],
        intoRecentIDs: Bool, optimistic: Bool, chain: inout Chain, recordedAt: Timestamp
    ) throws -> [Result<[AppendResult], any Error>] {
        var outcomes: [Result<[AppendResult], any Error>] = []
        outcomes.reserveCapacity(appends.count)
        for append in appends {
            let nested = try transaction.nested()
            var nestedChain = chain
            let outcome: Result<[AppendResult], any Error>
            do {
                let results = try writeNested(append, in: nested.transaction, intoRecentIDs: intoRecentIDs, optimistic: optimistic, chain: &nestedChain, recordedAt: recordedAt)
                try callHooks(hooks, from: chain.head + 1, through: nestedChain.head, in: nested)
                outcome = .success(results)
            } catch let error as OptimisticConflict {
                throw error
            } catch let error where Self.isMapFull(error) {
                // The map must grow and the whole group be retried, even when a hook's write
                // hit the limit (it sees the error wrapped as a `LedgerError`).
                throw error
            } catch let error as StorageError {
                throw error
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success:
                try nested.commit()
                chain = nestedChain
            case .failure:
                nested.abort()
            }
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// Plans and writes one append in a nested transaction; its cursors close on return,
    /// before the hooks run and the nested transaction ends.
    func writeNested(
        _ append: EncodedAppend, in transaction: Transaction, intoRecentIDs: Bool, optimistic: Bool,
        chain: inout Chain, recordedAt: Timestamp
    ) throws -> [AppendResult] {
        let cursors = try AppendCursors(layout: layout, transaction: transaction, intoRecentIDs: intoRecentIDs)
        let plan = try AppendPlan(append, in: transaction, layout: layout, optimistic: optimistic)
        return try plan.write(
            append, to: transaction, through: cursors, layout: layout, chain: &chain, recordedAt: recordedAt, hasher: hasher(for: append))
    }

    /// Calls every hook with each record from `first` through `last`, in order.
    func callHooks(_ hooks: [any AppendHook], from first: UInt64, through last: UInt64, in transaction: borrowing WriteTransaction) throws {
        guard first <= last else { return }
        let scope = WriteScope(transaction: transaction.transaction, layout: layout)
        for position in first ... last {
            guard let stored = try transaction.transaction.get(layout.log, position: position) else {
                throw LedgerError.corruptRecord(position: position, reason: "record written in this transaction is missing")
            }
            if scratch.count < stored.count { scratch = [UInt8](repeating: 0, count: stored.count) }
            try scratch.withUnsafeMutableBytes { buffer in
                let copy = UnsafeMutableRawBufferPointer(rebasing: buffer[0 ..< stored.count])
                copy.copyMemory(from: stored)
                let record = try RecordView(validating: UnsafeRawBufferPointer(copy))
                for hook in hooks { try hook.didAppend(record, in: scope) }
            }
        }
        for hook in hooks { try hook.didFinishAppend(through: last, in: scope) }
    }
}
