internal import CLMDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// How a store trades commit durability for speed.
public enum Durability: Sendable, Hashable {
    /// A commit is on disk when `append` returns: LMDB flushes data and meta pages on every
    /// commit. The default.
    case full
    /// Commits are written to the operating system but not flushed: a killed *process* loses
    /// nothing, a crash of the *machine* may lose the last commits (and, per LMDB's
    /// documentation, may damage the store). For bulk loads, followed by ``Ledger/sync()``.
    case deferred
}

/// Parameters of the underlying storage environment.
struct StorageOptions: Sendable {
    var initialMapSize: Int
    var maximumMapSize: Int
    var maximumReaders: Int
    var durability: Durability
    var databases: Int = 16
    /// Bytes of the map long scans keep mapped at most, together (see ``ScanResidency``).
    var scanResidentBudget: Int = 16 << 20
}

/// The LMDB environment of one store directory: the memory map, its size, and the
/// transactions over it.
///
/// `@unchecked Sendable` per LMDB's threading rules: an `MDB_env` may be used from any thread;
/// with `MDB_NOTLS` a read transaction is not tied to the thread that began it; write
/// transactions are begun and ended only by the ledger's single writer thread; and the map is
/// resized only while ``gate`` holds every transaction out.
final class LMDBEnvironment: @unchecked Sendable {
    let handle: OpaquePointer
    let path: String
    let gate = TransactionGate()
    /// What long scans keep mapped; forgotten when the map is resized.
    let residency: ScanResidency
    let maximumMapSize: Int
    /// Called once the environment is closed; set before the environment is shared.
    var onClose: (@Sendable () -> Void)?

    /// The smallest initial map: room for a new store's databases and first commits.
    static let minimumMapSize = 64 * 1024

    /// Opens (creating if needed) the store in `directory`.
    ///
    /// - Throws: ``StorageError`` naming the directory when it cannot be created or is not a
    ///   store (`.invalid`, `.notADirectory`, `.permissionDenied`, …).
    init(directory: String, options: StorageOptions) throws(StorageError) {
        if try !StoreDirectory.createIfMissing(directory, operation: "open store \(directory)") {
            try Self.refuseForeignDirectory(directory)
        }

        // LMDB trusts its file; a damaged page would crash this process, not return an error.
        try PageStructureCheck.checkBeforeOpening(directory + "/data.mdb")

        var env: OpaquePointer?
        try lmdb("mdb_env_create") { mdb_env_create(&env) }
        guard let env else { throw StorageError(.panic, operation: "mdb_env_create") }
        do {
            try lmdb("mdb_env_set_maxdbs") { mdb_env_set_maxdbs(env, MDB_dbi(options.databases)) }
            try lmdb("mdb_env_set_maxreaders") { mdb_env_set_maxreaders(env, UInt32(options.maximumReaders)) }
            // Below 64 KiB a new store cannot even hold its empty databases; the map grows from there.
            try lmdb("mdb_env_set_mapsize") { mdb_env_set_mapsize(env, max(options.initialMapSize, Self.minimumMapSize)) }
            var flags = UInt32(MDB_NOTLS)
            if options.durability == .deferred { flags |= UInt32(MDB_NOSYNC) }
            try lmdb("open store \(directory)") { mdb_env_open(env, directory, flags, 0o600) }
            var dead: Int32 = 0
            try lmdb("mdb_reader_check") { mdb_reader_check(env, &dead) }
        } catch {
            mdb_env_close(env)
            throw error
        }
        self.handle = env
        self.path = directory
        self.residency = ScanResidency(budget: options.scanResidentBudget)
        self.maximumMapSize = max(options.maximumMapSize, options.initialMapSize)
    }

    /// Refuses an existing directory that holds files but no store: it belongs to someone
    /// else, and opening would add LMDB's files to it.
    private static func refuseForeignDirectory(_ directory: String) throws(StorageError) {
        var data = stat()
        if stat(directory + "/data.mdb", &data) == 0 { return }
        if try StoreDirectory.firstEntry(in: directory, except: ["lock.mdb"]) != nil {
            throw StorageError(.invalid, operation: "open store \(directory): the directory holds other files and no data.mdb; not a store")
        }
    }

    deinit {
        mdb_env_close(handle)
        onClose?()
    }

    /// The current size of the memory map in bytes.
    var mapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return info.me_mapsize
    }

    /// Runs `body` inside a read-only transaction, which sees the last commit made before it
    /// began and nothing later.
    ///
    /// Bytes read inside `body` must not escape it.
    @inline(__always)
    func read<T>(_ body: (Transaction) throws -> T) throws -> T {
        let txn = try begin(flags: UInt32(MDB_RDONLY))
        defer {
            mdb_txn_abort(txn)
            gate.leaveShared()
        }
        return try body(Transaction(handle: txn, residency: .passUnretained(residency)))
    }

    /// Begins a write transaction. Only the writer thread calls this.
    func beginWrite() throws(StorageError) -> WriteTransaction {
        WriteTransaction(handle: try begin(flags: 0), gate: gate)
    }

    /// Begins a transaction holding the gate shared, adopting a map grown by another process.
    private func begin(flags: UInt32) throws(StorageError) -> OpaquePointer {
        while true {
            gate.enterShared()
            var txn: OpaquePointer?
            let rc = mdb_txn_begin(handle, nil, flags, &txn)
            if rc == 0, let txn { return txn }
            gate.leaveShared()
            guard rc == MDB_MAP_RESIZED else {
                throw StorageError(.init(rawValue: rc), operation: "mdb_txn_begin")
            }
            try adoptGrownMap()
        }
    }

    /// Takes on the map size another process grew the store to (`MDB_MAP_RESIZED`), while no
    /// transaction of this process is open.
    func adoptGrownMap() throws(StorageError) {
        try gate.withExclusiveAccess { () throws(StorageError) in
            try lmdb("mdb_env_set_mapsize(adopt)") { mdb_env_set_mapsize(handle, 0) }
            residency.forget()
        }
    }

    /// Grows the map (doubling, at least by `needed` bytes) while no transaction is open.
    ///
    /// - Throws: ``StorageError/Code/mapFull`` when the map is already at ``maximumMapSize``.
    /// - Returns: the new size.
    @discardableResult
    func grow(needed: Int = 0) throws(StorageError) -> Int {
        try gate.withExclusiveAccess { () throws(StorageError) -> Int in
            let current = mapSize
            guard current < maximumMapSize else {
                throw StorageError(.mapFull, operation: "grow store beyond \(maximumMapSize) bytes")
            }
            let wanted = max(current * 2, current + needed)
            let size = min(wanted, maximumMapSize)
            try lmdb("mdb_env_set_mapsize") { mdb_env_set_mapsize(handle, size) }
            residency.forget()
            return size
        }
    }

    /// Flushes written commits to disk.
    func sync() throws(StorageError) {
        try lmdb("mdb_env_sync") { mdb_env_sync(handle, 1) }
    }

    /// Opens (creating) the named databases, in one write transaction.
    func openDatabases(_ names: [String]) throws(StorageError) -> [Database] {
        let txn = try beginWrite()
        var result: [Database] = []
        for name in names {
            var dbi: MDB_dbi = 0
            try lmdb("mdb_dbi_open(\(name))") { mdb_dbi_open(txn.transaction.handle, name, UInt32(MDB_CREATE), &dbi) }
            result.append(Database(handle: dbi, name: name))
        }
        try txn.commit()
        return result
    }

    /// The size of the data file in bytes.
    var fileSize: Int {
        var info = stat()
        return stat(path + "/data.mdb", &info) == 0 ? Int(info.st_size) : 0
    }
}
