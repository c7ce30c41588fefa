/// Reads the fields of a stored payload in schema order, in place, without allocating.
///
/// The hot path of every report: a projection takes the record's payload, reads the fields it
/// needs and skips the others. Each read checks the payload's end and throws ``Truncated``
/// rather than reading past it.
///
/// ```swift
/// var reader = PayloadReader(record.payload)      // IdeaAdvanced v1
/// let challenge = try reader.readIdentifier()     // bytes of data.challenge
/// let stage = Stage(code: try reader.readCode())
/// ```
public struct PayloadReader {
    /// The payload.
    public let bytes: UnsafeRawBufferPointer
    /// The offset of the next field.
    public var offset: Int { position }
    @usableFromInline var position: Int


    /// A read past the payload's end (or, from the codec, a code outside a vocabulary).
    public struct Truncated: Error, Sendable, Hashable {
        public init() {}
    }

    /// A reader at the start of `bytes`, which must stay valid while it is used.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.position = 0
    }

    /// Whether every byte has been read.
    @inlinable
    public var isAtEnd: Bool { position == bytes.count }

    /// Reads an ``FieldKind/identifier``: the id's bytes, borrowed from the payload.
    @inlinable
    public mutating func readIdentifier() throws(Truncated) -> UnsafeRawBufferPointer {
        let count = Int(try readCode())
        return try take(count)
    }

    /// Reads a ``FieldKind/text``: its UTF-8 bytes, borrowed from the payload.
    @inlinable
    public mutating func readText() throws(Truncated) -> UnsafeRawBufferPointer {
        let count = Int(try readUInt16())
        return try take(count)
    }

    /// Reads the count that starts an ``FieldKind/identifiers`` list; read that many ids next.
    @inlinable
    public mutating func readCount() throws(Truncated) -> Int {
        Int(try readUInt16())
    }

    /// Reads a ``FieldKind/choice(_:)`` code (or an identifier's length byte).
    @inlinable
    public mutating func readCode() throws(Truncated) -> UInt8 {
        guard position < bytes.count else { throw Truncated() }
        defer { position &+= 1 }
        return bytes[position]
    }

    /// Reads an ``FieldKind/integer(_:)``.
    @inlinable
    public mutating func readInteger() throws(Truncated) -> Int64 {
        let raw = try take(8)
        return Int64(littleEndian: raw.loadUnaligned(as: Int64.self))
    }

    /// Reads the presence byte of an optional field: `true` when the field follows.
    @inlinable
    public mutating func readPresence() throws(Truncated) -> Bool {
        switch try readCode() {
        case 0: return false
        case 1: return true
        default: throw Truncated()
        }
    }

    /// Skips an identifier.
    @inlinable
    public mutating func skipIdentifier() throws(Truncated) { _ = try readIdentifier() }

    /// Skips a text.
    @inlinable
    public mutating func skipText() throws(Truncated) { _ = try readText() }

    /// Skips an identifier list.
    @inlinable
    public mutating func skipIdentifiers() throws(Truncated) {
        for _ in 0 ..< (try readCount()) { try skipIdentifier() }
    }

    @inlinable
    mutating func readUInt16() throws(Truncated) -> UInt16 {
        let raw = try take(2)
        return UInt16(littleEndian: raw.loadUnaligned(as: UInt16.self))
    }

    @inlinable
    mutating func take(_ count: Int) throws(Truncated) -> UnsafeRawBufferPointer {
        guard count <= bytes.count &- position else { throw Truncated() }
        defer { position &+= count }
        return UnsafeRawBufferPointer(rebasing: bytes[position ..< position &+ count])
    }
}
