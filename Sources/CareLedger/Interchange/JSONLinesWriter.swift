#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes JSON values as JSON Lines to a file or descriptor, through a buffer of bounded size.
///
/// Each ``write(_:)`` appends one value as one line of compact JSON (see
/// ``JSONValue/write(to:)``) ending in `\n`. Lines collect in a buffer that is written out
/// whenever it reaches ``Configuration/bufferCapacity``, so memory stays at about the buffer
/// plus the longest line, whatever the number of lines.
///
/// ```swift
/// let writer = try JSONLinesWriter(path: "export.jsonl", mode: .createNew)
/// for event in events { try writer.write(event.json) }
/// try writer.close()
/// ```
///
/// Errors are reported by ``write(_:)``, ``flush()``, ``synchronize()`` and ``close()``; call
/// ``close()`` (or at least ``flush()``) before dropping the writer. A writer dropped without it
/// still flushes and closes in `deinit`, but any error there is lost. After a write fails, every
/// later call throws the same error: the file's end is unknown, and appending to it could hide a
/// hole.
///
/// The writer does not check line lengths: a line longer than a reader's
/// ``JSONLimits/maximumLineLength`` is written, and that reader refuses it.
///
/// A writer is used by one task at a time (it is not `Sendable`).
public final class JSONLinesWriter {
    /// How a writer buffers.
    public struct Configuration: Sendable, Hashable {
        /// The default buffer capacity: 64 KiB.
        public static let defaultBufferCapacity = 64 << 10

        /// Buffered bytes at which the writer writes the buffer out. Must be at least 1.
        public var bufferCapacity: Int

        /// Creates a configuration.
        ///
        /// - Precondition: `bufferCapacity >= 1`.
        public init(bufferCapacity: Int = Configuration.defaultBufferCapacity) {
            precondition(bufferCapacity >= 1, "JSONLinesWriter.Configuration.bufferCapacity must be at least 1")
            self.bufferCapacity = bufferCapacity
        }
    }

    /// What to do with the file at the path.
    public enum Mode: Sendable, Hashable {
        /// Create the file; fail with ``InterchangeIOError/Code/fileExists`` if it exists.
        case createNew
        /// Create the file, or empty it if it exists.
        case truncate
        /// Create the file, or append to its end if it exists.
        case append
    }

    /// The file's path, when the writer opened it; used in errors.
    public let path: String?
    /// How the writer buffers.
    public let configuration: Configuration
    /// The number of lines written so far (including ones still in the buffer).
    public private(set) var linesWritten = 0

    private let descriptor: Int32
    private let closesDescriptor: Bool
    private var buffer: [UInt8]
    private var isClosed = false
    private var failure: InterchangeIOError?

    /// Opens the file at `path` for writing.
    ///
    /// - Parameters:
    ///   - mode: Whether to create, truncate or append to the file.
    ///   - permissions: The permission bits of a file the writer creates; owner-only by default
    ///     (`0o600`), since exports may hold personal data.
    /// - Throws: ``InterchangeIOError`` when the file cannot be opened.
    public convenience init(
        path: String, mode: Mode, permissions: Int = 0o600, configuration: Configuration = Configuration()
    ) throws(InterchangeIOError) {
        let flags: Int32 = switch mode {
        case .createNew: O_WRONLY | O_CREAT | O_EXCL
        case .truncate: O_WRONLY | O_CREAT | O_TRUNC
        case .append: O_WRONLY | O_CREAT | O_APPEND
        }
        let descriptor = try SystemCalls.openFile(path, flags: flags, permissions: mode_t(permissions))
        self.init(descriptor: descriptor, closesDescriptor: true, path: path, configuration: configuration)
    }

    /// Writes to an open file descriptor (a file, a pipe, standard output).
    ///
    /// - Parameter closesDescriptor: whether ``close()`` (or `deinit`) closes the descriptor;
    ///   `false` by default, so the caller keeps ownership.
    public convenience init(fileDescriptor: Int32, closesDescriptor: Bool = false, configuration: Configuration = Configuration()) {
        self.init(descriptor: fileDescriptor, closesDescriptor: closesDescriptor, path: nil, configuration: configuration)
    }

    /// A writer to standard output, which it never closes.
    public static func standardOutput(configuration: Configuration = Configuration()) -> JSONLinesWriter {
        JSONLinesWriter(fileDescriptor: STDOUT_FILENO, configuration: configuration)
    }

    private init(descriptor: Int32, closesDescriptor: Bool, path: String?, configuration: Configuration) {
        precondition(configuration.bufferCapacity >= 1, "JSONLinesWriter.Configuration.bufferCapacity must be at least 1")
        self.descriptor = descriptor
        self.closesDescriptor = closesDescriptor
        self.path = path
        self.configuration = configuration
        buffer = []
        buffer.reserveCapacity(configuration.bufferCapacity)
    }

    deinit {
        if !isClosed {
            try? flush()
            if closesDescriptor { try? SystemCalls.closeFile(descriptor, path: path) }
        }
    }

    /// Appends `value` as one line, writing the buffer out if it is full.
    ///
    /// - Throws: ``InterchangeIOError`` when writing the buffer out fails, or an earlier write
    ///   failed.
    /// - Precondition: the writer is not closed.
    /// - Complexity: O(size of the line), plus a `write(2)` of the buffer when it is full.
    public func write(_ value: JSONValue) throws(InterchangeIOError) {
        precondition(!isClosed, "JSONLinesWriter.write after close()")
        if let failure { throw failure }
        value.write(to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
        linesWritten += 1
        if buffer.count >= configuration.bufferCapacity { try flush() }
    }

    /// Writes the buffered lines out to the descriptor (into the operating system's cache; see
    /// ``synchronize()`` for the disk).
    ///
    /// - Throws: ``InterchangeIOError`` when the write fails, or an earlier write failed.
    public func flush() throws(InterchangeIOError) {
        if let failure { throw failure }
        guard !buffer.isEmpty else { return }
        do throws(InterchangeIOError) {
            // `withUnsafeBytes` is `rethrows`, so the typed error travels in a `Result`.
            try buffer.withUnsafeBytes { bytes in
                Result { () throws(InterchangeIOError) in try SystemCalls.writeAll(descriptor, bytes, path: path) }
            }.get()
            buffer.removeAll(keepingCapacity: true)
        } catch {
            failure = error
            buffer = []
            throw error
        }
    }

    /// Flushes, then waits until the file's data is on the storage device (`fsync(2)`).
    ///
    /// - Throws: ``InterchangeIOError`` when the write or the sync fails.
    public func synchronize() throws(InterchangeIOError) {
        try flush()
        try SystemCalls.synchronize(descriptor, path: path)
    }

    /// Flushes, and closes the descriptor if the writer owns it. Later calls do nothing.
    ///
    /// - Throws: ``InterchangeIOError`` when the last write or the close fails; the descriptor
    ///   is closed either way.
    public func close() throws(InterchangeIOError) {
        guard !isClosed else { return }
        isClosed = true
        var firstError: InterchangeIOError?
        do { try flush() } catch { firstError = error }
        if closesDescriptor {
            do { try SystemCalls.closeFile(descriptor, path: path) } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
    }
}

/// A writer keeps mutable buffer state and is used by one task at a time.
@available(*, unavailable)
extension JSONLinesWriter: Sendable {}
