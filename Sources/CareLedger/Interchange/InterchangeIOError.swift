#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A system call of an import or export failed: opening, reading, writing, syncing or closing
/// a file.
///
/// Carries the operation, the file's path when the library opened it, and the `errno` code,
/// exposed as named constants for the cases a caller may handle. Never any file content.
///
/// ```swift
/// catch let error as InterchangeIOError where error.code == .noSuchFile { … }
/// ```
public struct InterchangeIOError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An `errno` value.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The `errno` number.
        public let rawValue: Int32

        /// Creates a code from an `errno` number.
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// No such file or directory (`ENOENT`).
        public static let noSuchFile = Code(rawValue: ENOENT)
        /// The file already exists (`EEXIST`), e.g. when creating a new export file.
        public static let fileExists = Code(rawValue: EEXIST)
        /// Permission denied (`EACCES`).
        public static let permissionDenied = Code(rawValue: EACCES)
        /// The path is a directory (`EISDIR`).
        public static let isADirectory = Code(rawValue: EISDIR)
        /// No space left on the device (`ENOSPC`).
        public static let noSpace = Code(rawValue: ENOSPC)
        /// The reading end of a pipe was closed (`EPIPE`).
        public static let brokenPipe = Code(rawValue: EPIPE)
        /// Not an open file descriptor (`EBADF`).
        public static let badFileDescriptor = Code(rawValue: EBADF)
        /// A low-level input/output error (`EIO`).
        public static let ioError = Code(rawValue: EIO)

        /// The system's message for the code, e.g. `"No such file or directory"`.
        public var description: String {
            guard let message = strerror(rawValue) else { return "errno \(rawValue)" }
            return String(cString: message)
        }
    }

    /// The failed operation: `"open"`, `"read"`, `"write"`, `"fsync"` or `"close"`.
    public var operation: String
    /// The file's path when the library opened it; `nil` for a descriptor it was given.
    public var path: String?
    /// What went wrong.
    public var code: Code

    /// Creates an error for a failed operation.
    public init(operation: String, path: String?, code: Code) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// Operation, file and reason, e.g. `read of /data/events.jsonl failed: Is a directory (errno 21)`.
    public var description: String {
        let target = path.map { " of \($0)" } ?? ""
        return "\(operation)\(target) failed: \(code) (errno \(code.rawValue))"
    }
}
