#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a JSON Lines file one line at a time, in memory bounded by its configuration.
///
/// The reader reads its input in chunks of ``Configuration/chunkSize`` bytes and parses each
/// complete line as one ``JSONValue``. It holds at most one chunk plus one line
/// (``JSONLimits/maximumLineLength``), so a file of any size is read in bounded memory; a line
/// may straddle any number of chunks.
///
/// ```swift
/// let reader = try JSONLinesReader(path: "events.jsonl")
/// while let line = try reader.next() {
///     try importEvent(line.value, line: line.number)
/// }
/// ```
///
/// The format it reads:
/// - Lines end with `\n` or `\r\n`; the last line may lack its terminator. A `\r` elsewhere is
///   whitespace between tokens (and an error inside a string).
/// - Every line holds exactly one JSON value. **Blank lines are errors**
///   (``JSONParseError/Reason/blankLine``), including a blank line at the end of the file:
///   nothing is skipped silently. An empty input has no lines.
/// - A byte order mark is not accepted (it is an unexpected character on line 1).
///
/// A line that fails throws a ``JSONParseError`` naming its number, and the reader stays usable:
/// the next call to ``next()`` continues with the following line, so a caller may collect every
/// bad line of a file. An ``InterchangeIOError`` is final: ``next()`` returns `nil` after it.
///
/// A reader is used by one task at a time (it is not `Sendable`). It closes a file it opened
/// when it is deinitialized.
public final class JSONLinesReader {
    /// How a reader reads.
    public struct Configuration: Sendable, Hashable {
        /// The default chunk size: 256 KiB.
        public static let defaultChunkSize = 256 << 10

        /// Bytes requested from the input per read. Must be at least 1.
        public var chunkSize: Int
        /// The longest line and deepest nesting accepted.
        public var limits: JSONLimits

        /// Creates a configuration.
        ///
        /// - Precondition: `chunkSize >= 1`.
        public init(chunkSize: Int = Configuration.defaultChunkSize, limits: JSONLimits = JSONLimits()) {
            precondition(chunkSize >= 1, "JSONLinesReader.Configuration.chunkSize must be at least 1")
            self.chunkSize = chunkSize
            self.limits = limits
        }
    }

    /// Where the bytes come from.
    private enum Input {
        case file(descriptor: Int32, closesOnDeinit: Bool)
        case memory([UInt8])
    }

    /// The file's path, when the reader opened it; used in errors.
    public let path: String?
    /// How the reader reads.
    public let configuration: Configuration

    private let input: Input
    /// How far into ``Input/memory(_:)`` the reader has read.
    private var memoryPosition = 0

    /// Unparsed bytes are `buffer[start ..< end]`; `buffer[start ..< scanFrom]` holds no `\n`.
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var scanFrom = 0
    /// The input offset of `buffer[0]`.
    private var bufferOffset: Int64 = 0
    private var nextLineNumber = 1
    private var atEndOfInput = false
    /// After a line too long to buffer: discard bytes up to the next `\n`.
    private var skippingLongLine = false
    /// After an I/O error: read nothing more.
    private var failed = false

    /// Opens the file at `path` for reading.
    ///
    /// - Throws: ``InterchangeIOError`` when the file cannot be opened.
    /// - Precondition: the configuration's limits are valid.
    public convenience init(path: String, configuration: Configuration = Configuration()) throws(InterchangeIOError) {
        let descriptor = try SystemCalls.openFile(path, flags: O_RDONLY)
        self.init(input: .file(descriptor: descriptor, closesOnDeinit: true), path: path, configuration: configuration)
    }

    /// Reads from an open file descriptor (a file, a pipe, standard input), from its current
    /// position.
    ///
    /// - Parameter closesOnDeinit: whether the reader closes the descriptor when it is
    ///   deinitialized; `false` by default, so the caller keeps ownership.
    public convenience init(fileDescriptor: Int32, closesOnDeinit: Bool = false, configuration: Configuration = Configuration()) {
        self.init(input: .file(descriptor: fileDescriptor, closesOnDeinit: closesOnDeinit), path: nil, configuration: configuration)
    }

    /// Reads JSON Lines held in memory, in chunks like a file (useful for tests and small inputs).
    public convenience init(bytes: [UInt8], configuration: Configuration = Configuration()) {
        self.init(input: .memory(bytes), path: nil, configuration: configuration)
    }

    private init(input: Input, path: String?, configuration: Configuration) {
        configuration.limits.checkPreconditions()
        precondition(configuration.chunkSize >= 1, "JSONLinesReader.Configuration.chunkSize must be at least 1")
        self.input = input
        self.path = path
        self.configuration = configuration
        let initialCapacity = min(2 * configuration.chunkSize, Self.maximumBufferSize(configuration))
        buffer = .allocate(byteCount: initialCapacity, alignment: 16)
    }

    deinit {
        buffer.deallocate()
        if case .file(let descriptor, closesOnDeinit: true) = input {
            try? SystemCalls.closeFile(descriptor, path: path)
        }
    }

    /// The most the buffer ever holds: one chunk after a partial line that may still fit
    /// (the longest line plus a `\r`).
    static func maximumBufferSize(_ configuration: Configuration) -> Int {
        configuration.chunkSize + configuration.limits.maximumLineLength + 1
    }

    /// The buffer's current size in bytes (for tests of bounded memory).
    var bufferCapacity: Int { buffer.count }

    /// Reads and parses the next line.
    ///
    /// - Returns: the line, or `nil` at the end of the input (and after an I/O error).
    /// - Throws: ``JSONParseError`` when the line is not one valid JSON value (the reader then
    ///   continues with the next line), or ``InterchangeIOError`` when reading fails.
    /// - Complexity: O(length of the line), plus reads of ``Configuration/chunkSize`` bytes as
    ///   needed.
    public func next() throws -> JSONLine? {
        let maximumLineLength = configuration.limits.maximumLineLength
        while !failed {
            if let newline = findNewline() {
                let lineStart = start
                start = newline + 1
                scanFrom = start
                if skippingLongLine {
                    skippingLongLine = false
                    continue
                }
                return try parseLine(lineStart ..< newline)
            }
            scanFrom = end
            if skippingLongLine {
                discardBuffer()
            } else if end - start > maximumLineLength + 1 {
                // Longer than any line (plus `\r`) can be: report it now, skip to its end later.
                let number = nextLineNumber
                nextLineNumber += 1
                skippingLongLine = true
                discardBuffer()
                throw JSONParseError(line: number, column: maximumLineLength + 1, reason: .lineTooLong(limit: maximumLineLength))
            }
            if atEndOfInput {
                guard start < end else { return nil }
                let lineStart = start
                start = end
                scanFrom = end
                return try parseLine(lineStart ..< end)  // the last line, without a terminator
            }
            try fill()
        }
        return nil
    }

    /// Calls `body` with each line in order, until the end of the input.
    ///
    /// - Throws: the first error of ``next()`` or of `body`; reading stops there.
    public func forEachLine(_ body: (JSONLine) throws -> Void) throws {
        while let line = try next() { try body(line) }
    }

    /// Parses `buffer[range]` (without its `\n`) as the next line, after dropping one `\r`.
    private func parseLine(_ range: Range<Int>) throws(JSONParseError) -> JSONLine {
        var lineEnd = range.upperBound
        if lineEnd > range.lowerBound, buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        let number = nextLineNumber
        nextLineNumber += 1
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[range.lowerBound ..< lineEnd])
        let value = try JSONParser.parse(bytes, line: number, limits: configuration.limits)
        return JSONLine(number: number, byteOffset: bufferOffset + Int64(range.lowerBound), value: value)
    }

    /// The index of the first `\n` in `buffer[scanFrom ..< end]`.
    private func findNewline() -> Int? {
        guard scanFrom < end, let found = memchr(buffer.baseAddress! + scanFrom, 0x0A, end - scanFrom) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(buffer.baseAddress!)
    }

    /// Drops every buffered byte (of a line being skipped).
    private func discardBuffer() {
        bufferOffset += Int64(end)
        start = 0
        end = 0
        scanFrom = 0
    }

    /// Reads one more chunk after the buffered bytes, moving or growing the buffer first if the
    /// chunk does not fit behind them.
    private func fill() throws(InterchangeIOError) {
        let chunkSize = configuration.chunkSize
        if buffer.count - end < chunkSize {
            let pending = end - start
            if buffer.count - pending < chunkSize {
                let capacity = min(max(2 * buffer.count, pending + chunkSize), Self.maximumBufferSize(configuration))
                let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
                grown.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: pending)
                buffer.deallocate()
                buffer = grown
            } else if pending > 0 {
                memmove(buffer.baseAddress!, buffer.baseAddress! + start, pending)  // may overlap
            }
            bufferOffset += Int64(start)
            scanFrom -= start
            start = 0
            end = pending
        }
        let target = UnsafeMutableRawBufferPointer(rebasing: buffer[end ..< end + chunkSize])
        let count: Int
        switch input {
        case .file(let descriptor, _):
            do {
                count = try SystemCalls.readSome(descriptor, into: target, path: path)
            } catch {
                failed = true
                throw error
            }
        case .memory(let bytes):
            count = min(chunkSize, bytes.count - memoryPosition)
            if count > 0 {
                bytes.withUnsafeBytes { source in
                    target.baseAddress!.copyMemory(from: source.baseAddress! + memoryPosition, byteCount: count)
                }
            }
            memoryPosition += count
        }
        if count == 0 { atEndOfInput = true } else { end += count }
    }
}

/// A reader keeps mutable buffer state and is used by one task at a time.
@available(*, unavailable)
extension JSONLinesReader: Sendable {}
