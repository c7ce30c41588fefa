internal import CLMDB
import Synchronization

extension Ledger {
    /// The table named `name`, created on first use.
    ///
    /// Tables live in the same store as the log, so a write to a table can commit in the same
    /// transaction as an append (see ``AppendHook``). Their names are separate from the
    /// ledger's own databases.
    ///
    /// Cost: a dictionary lookup once the table is open; the first call in a process runs a
    /// short write transaction on the writer thread.
    ///
    /// - Throws: ``LedgerError/invalidArgument(_:)`` for an empty name or one over 200 bytes;
    ///   ``LedgerError/storage(_:)`` with ``StorageError/Code/databasesFull`` beyond
    ///   ``Configuration/maximumTables``.
    public func table(named name: String) async throws -> Table {
        if let table = tables.withLock({ $0[name] }) { return table }
        guard !name.isEmpty, name.utf8.count <= 200 else {
            throw LedgerError.invalidArgument("table name must be 1–200 bytes")
        }
        let opened = Mutex<Table?>(nil)
        try await writer.perform { scope in
            var dbi: MDB_dbi = 0
            let internalName = "table." + name
            try storage { () throws(StorageError) in
                try lmdb("mdb_dbi_open(\(internalName))") {
                    mdb_dbi_open(scope.transaction.handle, internalName, UInt32(MDB_CREATE), &dbi)
                }
            }
            opened.withLock { $0 = Table(database: Database(handle: dbi, name: name)) }
        }
        let table = opened.withLock { $0 }!
        tables.withLock { $0[name] = table }
        return table
    }

    /// Runs `body` in a read-only snapshot of the store: the log and every table as of the
    /// last commit before it began.
    ///
    /// Bytes read inside `body` must not escape it. Never `await` inside: `body` is
    /// synchronous, and the snapshot ends when it returns.
    ///
    /// - Throws: what `body` throws, or ``LedgerError/storage(_:)``.
    public func read<T>(_ body: (ReadScope) throws -> T) throws -> T {
        try read { (txn: Transaction) in try body(ReadScope(transaction: txn, layout: layout)) }
    }

    /// Runs `body` on the writer thread in a write transaction of its own, committed when it
    /// returns and aborted when it throws. Appends queued meanwhile wait for it.
    ///
    /// - Throws: what `body` throws, ``LedgerError/closed``, or ``LedgerError/storage(_:)``.
    public func write(_ body: @escaping @Sendable (WriteScope) throws -> Void) async throws {
        try await writer.perform(body)
    }

    /// Adds `hook` to every later append: it runs inside the append's transaction for each
    /// stored record, and can refuse the append by throwing.
    public func addAppendHook(_ hook: any AppendHook) {
        writer.add(hook)
    }

    /// Suspends until the log's head is beyond `position` (woken by this process's commits,
    /// not by polling).
    ///
    /// - Returns: `true` when it is; `false` when the ledger closed or the task was cancelled.
    public func waitForCommit(beyond position: UInt64) async -> Bool {
        await signal.waitForHead(beyond: position)
    }
}
