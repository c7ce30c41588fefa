#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure reported by the storage engine under a ledger.
///
/// `StorageError` carries the engine's code as a named constant, so callers can match on
/// the situations they handle (`catch let error as StorageError where error.code == .mapFull`),
/// and the name of the operation that failed, so a log line says what was being done.
/// It never carries event contents.
public struct StorageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A storage engine status code.
    ///
    /// Codes are the engine's own numbers (LMDB's `MDB_*` codes, or `errno` values for
    /// system errors), exposed as named constants so that no C type appears in the API.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The engine's numeric code.
        public let rawValue: Int32

        /// Creates a code from the engine's numeric value.
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// A key/value pair already exists where a unique one was required.
        public static let keyExists = Code(rawValue: -30799)
        /// The requested key was not found.
        public static let notFound = Code(rawValue: -30798)
        /// A page was not found: the data file is damaged.
        public static let pageNotFound = Code(rawValue: -30797)
        /// The data file is damaged.
        public static let corrupted = Code(rawValue: -30796)
        /// The environment had a fatal error and must be reopened.
        public static let panic = Code(rawValue: -30795)
        /// The data file was written by an incompatible version of the engine.
        public static let versionMismatch = Code(rawValue: -30794)
        /// The path holds a file that is not a store of this engine.
        public static let invalid = Code(rawValue: -30793)
        /// The store reached its maximum size.
        public static let mapFull = Code(rawValue: -30792)
        /// The store holds more named databases than were configured.
        public static let databasesFull = Code(rawValue: -30791)
        /// Every reader slot is in use: too many read transactions are open at once.
        public static let readersFull = Code(rawValue: -30790)
        /// Too many thread-local storage keys.
        public static let tlsFull = Code(rawValue: -30789)
        /// A write transaction touched more pages than the engine allows.
        public static let transactionFull = Code(rawValue: -30788)
        /// A cursor stack went too deep: the data file is probably damaged.
        public static let cursorFull = Code(rawValue: -30787)
        /// A page ran out of space: internal error.
        public static let pageFull = Code(rawValue: -30786)
        /// Another process grew the store beyond this process's mapping.
        public static let mapResized = Code(rawValue: -30785)
        /// An operation was incompatible with the database's flags.
        public static let incompatible = Code(rawValue: -30784)
        /// A reader slot was used incorrectly.
        public static let badReaderSlot = Code(rawValue: -30783)
        /// A transaction is unusable after an earlier failure.
        public static let badTransaction = Code(rawValue: -30782)
        /// A key or value was larger than the engine allows.
        public static let badValueSize = Code(rawValue: -30781)
        /// A database handle changed unexpectedly.
        public static let badDatabase = Code(rawValue: -30780)

        /// No such file or directory (`ENOENT`).
        public static let noSuchFile = Code(rawValue: ENOENT)
        /// Permission denied (`EACCES`).
        public static let permissionDenied = Code(rawValue: EACCES)
        /// Not a directory (`ENOTDIR`).
        public static let notADirectory = Code(rawValue: ENOTDIR)
        /// Invalid argument (`EINVAL`).
        public static let invalidArgument = Code(rawValue: EINVAL)
        /// No space left on the device (`ENOSPC`).
        public static let noSpace = Code(rawValue: ENOSPC)
        /// Read-only file system (`EROFS`).
        public static let readOnlyFileSystem = Code(rawValue: EROFS)
        /// Resource temporarily unavailable, e.g. a lock is held (`EAGAIN`).
        public static let wouldBlock = Code(rawValue: EAGAIN)
        /// A file or a non-empty directory is in the way (`EEXIST`).
        public static let fileExists = Code(rawValue: EEXIST)

        /// What the code means, in words.
        public var description: String {
            switch self {
            case .keyExists: "key exists"
            case .notFound: "not found"
            case .pageNotFound: "page not found (damaged data file)"
            case .corrupted: "damaged data file"
            case .panic: "fatal storage error"
            case .versionMismatch: "data file of an incompatible engine version"
            case .invalid: "not a store"
            case .mapFull: "store reached its maximum size"
            case .databasesFull: "too many named databases"
            case .readersFull: "all reader slots in use"
            case .tlsFull: "too many thread-local keys"
            case .transactionFull: "transaction too large"
            case .cursorFull: "cursor stack too deep (damaged data file)"
            case .pageFull: "page full"
            case .mapResized: "store grown by another process"
            case .incompatible: "incompatible database flags"
            case .badReaderSlot: "bad reader slot"
            case .badTransaction: "transaction unusable after an earlier error"
            case .badValueSize: "key or value too large"
            case .badDatabase: "bad database handle"
            case .noSuchFile: "no such file or directory"
            case .permissionDenied: "permission denied"
            case .notADirectory: "not a directory"
            case .invalidArgument: "invalid argument"
            case .noSpace: "no space left on device"
            case .readOnlyFileSystem: "read-only file system"
            case .wouldBlock: "resource temporarily unavailable"
            case .fileExists: "file exists"
            default: "code \(rawValue)"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// The operation that failed, e.g. `"mdb_put(log)"` or `"open store /var/lib/ledger"`.
    public var operation: String

    /// Creates an error for a failed operation.
    public init(_ code: Code, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// The operation and the code, e.g. `mdb_put(log) failed: store reached its maximum size`.
    public var description: String { "\(operation) failed: \(code)" }
}
