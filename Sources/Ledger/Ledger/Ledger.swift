public import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only, hash-chained event log in one store directory.
///
/// A ledger orders every event it is given in one gap-free log (positions from 1) and in the
/// stream of the entity it concerns (versions from 1). Each record is chained to the one
/// before it by SHA-256, so ``verify()`` detects any edit of history that does not also
/// recompute every later hash; keep the head hash somewhere else too (a report, a funder's
/// copy) and even that is caught.
///
/// ```swift
/// let ledger = try Ledger(path: "/var/lib/careledger")
/// let result = try await ledger.append(events, to: "challenge-c7", expecting: .noStream)
/// for try await event in ledger.events(from: 1) { … }
/// ```
///
/// `Ledger` is `Sendable`: share one instance across tasks. Appends from concurrent tasks are
/// committed together (group commit) by one writer thread; reads run on the calling thread
/// in read-only snapshots and never wait for writes. A store directory may be open once per
/// process; other processes may open it at the same time, and their appends are serialised
/// with this one's by LMDB's writer lock.
public final class Ledger: Sendable {
    /// How a ledger opens its store.
    public struct Configuration: Sendable {
        /// The initial size of the memory map in bytes (at least 64 KiB). The map grows by
        /// doubling when full, so this only sets how often it grows. Default 1 GiB (address
        /// space, not disk).
        public var initialMapSize: Int = 1 << 30
        /// The size beyond which the map does not grow: appends fail with
        /// ``StorageError/Code/mapFull`` there. Default 1 TiB.
        public var maximumMapSize: Int = 1 << 40
        /// The most read transactions open at once across every process using the store.
        public var maximumReaders: Int = 126
        /// Whether a commit is on disk when an append returns. Default ``Durability/full``.
        public var durability: Durability = .full
        /// The most bytes of the store's memory map that record scans (``Ledger/forEachRecord(from:through:_:)``,
        /// and so every projection fold) keep mapped at once, all scans together. Beyond it,
        /// the parts of the map the scans used least recently are unmapped: they stay in the
        /// operating system's page cache and cost a page fault when read again. This bounds
        /// the resident set of a replay, however long the log. Default 16 MiB; counted in
        /// blocks of 2 MiB, at least one. A store whose log pages are scattered over its file
        /// (after many small commits) costs a scan many such faults; a compacted copy
        /// (``Ledger/copy(to:compacting:)``) lays the log out in order and costs it few.
        public var scanResidentBudget: Int = 16 << 20
        /// The sizes the ledger accepts.
        public var limits = LedgerLimits()
        /// The most tables (``Ledger/table(named:)``) this ledger can open.
        public var maximumTables: Int = 59
        /// Where the ledger logs opens, map growth and write failures.
        public var logger = Logger(label: "careledger.ledger")
        /// The store format written into a new store (tests create stores of format 1 with it).
        var newStoreFormat: UInt32 = StoreLayout.formatVersion

        /// The default configuration.
        public init() {}
    }

    let environment: LMDBEnvironment
    let layout: StoreLayout
    let writer: Writer
    let signal: CommitSignal
    let tables = Mutex<[String: Table]>([:])
    /// The configuration the ledger was opened with.
    public let configuration: Configuration

    /// Opens the store in directory `path`, creating the directory and an empty store if
    /// there is none.
    ///
    /// Opening clears reader slots left by dead processes and starts the writer thread.
    ///
    /// - Throws: ``LedgerError/alreadyOpen(path:)`` when this process has the store open;
    ///   ``LedgerError/unsupportedFormat(found:supported:)`` for a store from a newer version;
    ///   ``LedgerError/storage(_:)`` when the directory cannot be created or opened or is not a store.
    public init(path: String, configuration: Configuration = Configuration()) throws {
        self.configuration = configuration
        let options = StorageOptions(
            initialMapSize: configuration.initialMapSize, maximumMapSize: configuration.maximumMapSize,
            maximumReaders: configuration.maximumReaders, durability: configuration.durability,
            databases: StoreLayout.names.count + 1 + configuration.maximumTables,
            scanResidentBudget: configuration.scanResidentBudget)
        let environment: LMDBEnvironment
        do {
            environment = try OpenStores.shared.open(path) { () throws(StorageError) in
                try LMDBEnvironment(directory: path, options: options)
            }
        } catch let error as StorageError {
            throw LedgerError.storage(error)
        }
        self.environment = environment
        let head: UInt64
        do {
            let databases = try environment.openDatabases(StoreLayout.names)
            let format: UInt32
            (format, head) = try Self.prepare(environment, StoreLayout(databases), newStoreFormat: configuration.newStoreFormat)
            let recentIDs = format >= 2 ? try environment.openDatabases([StoreLayout.recentIDsName])[0] : nil
            self.layout = StoreLayout(databases, format: format, recentIDs: recentIDs)
        } catch let error as StorageError {
            throw LedgerError.storage(error)
        }
        self.signal = CommitSignal(head: head)
        self.writer = Writer(
            environment: environment, layout: layout, durable: configuration.durability == .full, signal: signal,
            logger: configuration.logger)
        configuration.logger.debug("opened ledger", metadata: ["path": "\(path)", "head": "\(head)"])
    }

    deinit { writer.close() }

    /// Commits the appends already queued, refuses new ones, and ends every subscription.
    ///
    /// Blocks until the writer thread has finished. Reads still work afterwards. The store
    /// is released (and may be opened again in this process) once this `Ledger` and every
    /// sequence reading it are gone. Calling `close` again does nothing.
    public func close() { writer.close() }

    /// Flushes commits to disk; only needed under ``Durability/deferred``.
    ///
    /// - Throws: ``LedgerError/storage(_:)`` when the flush fails.
    public func sync() throws {
        do { try environment.sync() } catch { throw LedgerError.storage(error) }
    }

    /// Checks the store's format version, writing `newStoreFormat` for a new store, and returns
    /// the format and the head.
    private static func prepare(
        _ environment: LMDBEnvironment, _ layout: StoreLayout, newStoreFormat: UInt32
    ) throws -> (format: UInt32, head: UInt64) {
        let (format, chain) = try environment.read { txn in
            let format = try StoreLayout.MetaKey.format.withUnsafeBytes { try txn.get(layout.meta, $0) }
                .map { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
            return (format, try Chain.stored(in: txn, layout: layout))
        }
        switch format {
        case .some(let format) where format > StoreLayout.formatVersion:
            throw LedgerError.unsupportedFormat(found: format, supported: StoreLayout.formatVersion)
        case .some(let format):
            return (format, chain.head)
        case .none:
            let transaction = try environment.beginWrite()
            var format = newStoreFormat.littleEndian
            try withUnsafeBytes(of: &format) { value in
                try StoreLayout.MetaKey.format.withUnsafeBytes { try transaction.put(layout.meta, $0, value) }
            }
            try transaction.commit()
            return (newStoreFormat, chain.head)
        }
    }

    /// Runs `body` in a read-only snapshot, translating storage errors.
    func read<T>(_ body: (Transaction) throws -> T) throws -> T {
        do {
            return try environment.read(body)
        } catch let error as StorageError {
            throw LedgerError.storage(error)
        }
    }
}

/// The store directories open in this process: LMDB forbids opening one environment twice
/// in a process (closing either handle would drop the other's locks).
final class OpenStores: Sendable {
    static let shared = OpenStores()
    private let paths = Mutex<Set<String>>([])

    /// Opens the store at `path` with `open` unless it is open already.
    func open(_ path: String, _ open: () throws(StorageError) -> LMDBEnvironment) throws -> LMDBEnvironment {
        let key = Self.canonical(path)
        let inserted = paths.withLock { $0.insert(key).inserted }
        guard inserted else { throw LedgerError.alreadyOpen(path: path) }
        do {
            let environment = try open()
            environment.onClose = { [self] in release(key) }
            return environment
        } catch {
            release(key)
            throw error
        }
    }

    private func release(_ key: String) {
        _ = paths.withLock { $0.remove(key) }
    }

    /// `path` with links and relative parts resolved, so two spellings of one directory
    /// match; for a directory not created yet, its resolved parent and its name.
    private static func canonical(_ path: String) -> String {
        func resolve(_ path: String) -> String? {
            guard let resolved = realpath(path, nil) else { return nil }
            defer { free(resolved) }
            return String(cString: resolved)
        }
        if let resolved = resolve(path) { return resolved }
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/") else { return (resolve(".") ?? ".") + "/" + trimmed }
        let parent = slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
        return (resolve(parent) ?? parent) + "/" + trimmed[trimmed.index(after: slash)...]
    }
}
