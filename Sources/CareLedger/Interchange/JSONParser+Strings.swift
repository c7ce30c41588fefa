/// Strings: a copy-free fast path for strings without escapes, and escape decoding (including
/// surrogate pairs) into a reused scratch buffer otherwise.
extension JSONParser {
    /// Parses the string starting at the `"` at `index`.
    mutating func parseString() throws(Failure) -> String {
        index += 1  // "
        let start = index
        // Fast path: no escapes, one copy straight from the line.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let string = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start ..< index]), as: UTF8.self)
                index += 1
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw Failure(.controlCharacterInString, at: index) }
            index += 1
        }
        guard index < bytes.count else { throw Failure(.unexpectedEnd, at: index) }
        // Slow path: copy runs of plain bytes and decoded escapes into the scratch buffer.
        scratch.removeAll(keepingCapacity: true)
        var runStart = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 {
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart ..< index]))
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return String(decoding: scratch, as: UTF8.self)
                }
                if byte < 0x20 { throw Failure(.controlCharacterInString, at: index) }
                try parseEscape()
                runStart = index
            } else {
                index += 1
            }
        }
        throw Failure(.unexpectedEnd, at: index)
    }

    /// Decodes the escape starting at the `\` at `index` into `scratch`.
    private mutating func parseEscape() throws(Failure) {
        let escapeStart = index
        guard index + 1 < bytes.count else { throw Failure(.unexpectedEnd, at: bytes.count) }
        let decoded: UInt8
        switch bytes[index + 1] {
        case UInt8(ascii: "\""): decoded = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): decoded = UInt8(ascii: "\\")
        case UInt8(ascii: "/"): decoded = UInt8(ascii: "/")
        case UInt8(ascii: "b"): decoded = 0x08
        case UInt8(ascii: "f"): decoded = 0x0C
        case UInt8(ascii: "n"): decoded = 0x0A
        case UInt8(ascii: "r"): decoded = 0x0D
        case UInt8(ascii: "t"): decoded = 0x09
        case UInt8(ascii: "u"):
            let first = try parseUnicodeEscape()
            let scalar: UInt32
            switch first {
            case 0xD800 ... 0xDBFF:
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw Failure(.loneSurrogate, at: escapeStart)
                }
                let second = try parseUnicodeEscape()
                guard (0xDC00 ... 0xDFFF).contains(second) else { throw Failure(.loneSurrogate, at: escapeStart) }
                scalar = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            case 0xDC00 ... 0xDFFF:
                throw Failure(.loneSurrogate, at: escapeStart)
            default:
                scalar = first
            }
            appendUTF8(of: scalar)
            return
        default:
            throw Failure(.invalidEscape, at: escapeStart)
        }
        scratch.append(decoded)
        index += 2
    }

    /// Reads `\uXXXX` at `index` and returns its code unit.
    private mutating func parseUnicodeEscape() throws(Failure) -> UInt32 {
        let escapeStart = index
        index += 2  // \u
        var value: UInt32 = 0
        for _ in 0 ..< 4 {
            guard index < bytes.count else { throw Failure(.unexpectedEnd, at: index) }
            let byte = bytes[index]
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A") ... UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
            default: throw Failure(.invalidUnicodeEscape, at: escapeStart)
            }
            value = value << 4 | UInt32(nibble)
            index += 1
        }
        return value
    }

    private mutating func appendUTF8(of scalar: UInt32) {
        switch scalar {
        case 0 ..< 0x80:
            scratch.append(UInt8(scalar))
        case 0x80 ..< 0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800 ..< 0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
