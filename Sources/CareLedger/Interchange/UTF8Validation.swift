/// Checks bytes for well-formed UTF-8 (RFC 3629, Unicode Table 3-7).
///
/// Well-formed means: no stray continuation bytes, no overlong forms, no encoded surrogates
/// (U+D800–U+DFFF), nothing above U+10FFFF, no truncated sequence at the end.
enum UTF8Validation {
    /// The offset of the first byte of the first ill-formed sequence, or `nil` when all of
    /// `bytes` is well-formed. O(n), eight ASCII bytes per step.
    static func firstInvalidOffset(in bytes: UnsafeRawBufferPointer) -> Int? {
        let count = bytes.count
        var index = 0
        while index < count {
            // ASCII fast path: eight bytes at a time while none has its high bit set.
            while index + 8 <= count,
                bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
            {
                index += 8
            }
            guard index < count else { return nil }
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            // The length of the sequence and the range of its second byte (Table 3-7); later
            // bytes are always 80...BF.
            let length: Int
            let second: ClosedRange<UInt8>
            switch lead {
            case 0xC2 ... 0xDF: length = 2; second = 0x80 ... 0xBF
            case 0xE0: length = 3; second = 0xA0 ... 0xBF
            case 0xE1 ... 0xEC, 0xEE ... 0xEF: length = 3; second = 0x80 ... 0xBF
            case 0xED: length = 3; second = 0x80 ... 0x9F
            case 0xF0: length = 4; second = 0x90 ... 0xBF
            case 0xF1 ... 0xF3: length = 4; second = 0x80 ... 0xBF
            case 0xF4: length = 4; second = 0x80 ... 0x8F
            default: return index  // 80...C1 (continuation or overlong lead), F5...FF
            }
            guard index + length <= count, second.contains(bytes[index + 1]) else { return index }
            for offset in 2 ..< length where !(0x80 ... 0xBF).contains(bytes[index + offset]) {
                return index
            }
            index += length
        }
        return nil
    }
}
