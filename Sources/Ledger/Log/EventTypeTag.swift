/// A 64-bit tag of an event type's name, stored in every record's header.
///
/// The tag is the FNV-1a hash of the name's UTF-8 bytes, so a reader compares one integer to
/// decide whether it wants a record, before decoding anything else, and no table maps names to
/// tags. A projection computes its tags once, when it starts.
public struct EventTypeTag: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The tag's value.
    public var rawValue: UInt64

    /// Wraps a raw tag value, as read from a header.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// The tag of the event type named `name`.
    public init(_ name: String) {
        self.rawValue = name.withUTF8Bytes { utf8 in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in utf8 {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01b3
            }
            return hash
        }
    }

    /// The tag as 16 zero-padded hexadecimal digits.
    public var description: String {
        let hex = String(rawValue, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
