/// Writing a value as compact JSON text.
///
/// The output is one line (no newline, no insignificant whitespace), valid UTF-8, with object
/// members in their stored order. Strings are escaped as RFC 8785 (JSON Canonicalization
/// Scheme) escapes them: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other control characters
/// U+0000–U+001F as `\u00xx` (lowercase hex), everything else — including `/`, DEL and non-ASCII
/// characters — as its UTF-8 bytes. Integers are written in decimal and other numbers as their
/// literal, so parsing the output gives back an equal value.
extension JSONValue {
    /// Appends this value's JSON text to `output`.
    ///
    /// - Complexity: O(size of the text); recursion depth is the value's nesting depth.
    public func write(to output: inout [UInt8]) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .integer(let value): output.append(contentsOf: String(value).utf8)
        case .number(let number): output.append(contentsOf: number.literal.utf8)
        case .string(let string): Self.writeString(string, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                element.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for position in object.indices {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                Self.writeString(object.keys[position], to: &output)
                output.append(UInt8(ascii: ":"))
                object.values[position].write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// This value's JSON text as UTF-8 bytes. O(size of the text).
    public func serializedBytes() -> [UInt8] {
        var output: [UInt8] = []
        write(to: &output)
        return output
    }

    /// This value's JSON text. O(size of the text).
    public func serialized() -> String {
        String(decoding: serializedBytes(), as: UTF8.self)
    }

    /// Appends `string` as a quoted, escaped JSON string.
    static func writeString(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            var runStart = 0
            for (offset, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart ..< offset]))
                runStart = offset + 1
                output.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
                case 0x08: output.append(UInt8(ascii: "b"))
                case 0x09: output.append(UInt8(ascii: "t"))
                case 0x0A: output.append(UInt8(ascii: "n"))
                case 0x0C: output.append(UInt8(ascii: "f"))
                case 0x0D: output.append(UInt8(ascii: "r"))
                default:
                    // \u00xx, lowercase hex; byte < 0x20, so the high digit is 0 or 1.
                    output.append(contentsOf: "u00".utf8)
                    output.append(UInt8(ascii: "0") + byte >> 4)
                    let low = byte & 0xF
                    output.append(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + low - 10)
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }
}
