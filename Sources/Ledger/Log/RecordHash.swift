/// The SHA-256 hash that chains a record to every record before it.
///
/// A record's hash is SHA-256 over the previous record's hash followed by the record's
/// canonical bytes; the record before position 1 has the hash ``zero``.
public struct RecordHash: Sendable, Hashable, CustomStringConvertible {
    /// The 32 bytes of the hash, in order in memory, as four `UInt64` words in host byte
    /// order (use ``withUnsafeBytes(_:)`` for the bytes).
    public var bytes: (UInt64, UInt64, UInt64, UInt64)

    /// The hash that precedes the first record: 32 zero bytes.
    public static let zero = RecordHash(bytes: (0, 0, 0, 0))

    init(bytes: (UInt64, UInt64, UInt64, UInt64)) { self.bytes = bytes }

    /// Reads a hash from the first 32 of `raw`, which must hold at least 32 bytes.
    public init(_ raw: UnsafeRawBufferPointer) {
        precondition(raw.count >= 32, "a record hash is 32 bytes")
        bytes = (
            raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
            raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
            raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
            raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
        )
    }

    /// Calls `body` with the hash's 32 bytes.
    public func withUnsafeBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        var copy = bytes
        return try Swift.withUnsafeBytes(of: &copy) { try body($0) }
    }

    /// Whether two hashes have the same 32 bytes.
    public static func == (lhs: RecordHash, rhs: RecordHash) -> Bool {
        lhs.bytes.0 == rhs.bytes.0 && lhs.bytes.1 == rhs.bytes.1
            && lhs.bytes.2 == rhs.bytes.2 && lhs.bytes.3 == rhs.bytes.3
    }

    /// Feeds the first 16 bytes to `hasher` (a SHA-256 value is already uniformly spread).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(bytes.0)
        hasher.combine(bytes.1)
    }

    /// The hash in lowercase hexadecimal, 64 characters.
    public var description: String {
        withUnsafeBytes { raw in
            let digits = Array("0123456789abcdef".utf8)
            var text = [UInt8]()
            text.reserveCapacity(64)
            for byte in raw {
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0xF)])
            }
            return String(decoding: text, as: UTF8.self)
        }
    }
}
