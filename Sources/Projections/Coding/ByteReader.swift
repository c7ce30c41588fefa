/// Reads what a ``ByteWriter`` wrote, in the same order, checking every length against the
/// bytes that remain.
public struct ByteReader {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    /// The offset of the next byte to read.
    public private(set) var offset = 0

    /// Reads from `bytes`, which must stay valid while the reader is used.
    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset == bytes.count }

    /// Reads a little-endian integer.
    ///
    /// - Throws: ``StateDecodingError`` when fewer bytes remain than the integer needs.
    public mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        let size = MemoryLayout<T>.size
        guard bytes.count - offset >= size else { throw StateDecodingError(offset: offset, reason: "truncated integer") }
        defer { offset += size }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// Reads a `Double` written by ``ByteWriter/write(_:)-(Double)``.
    public mutating func read(_: Double.Type = Double.self) throws -> Double {
        Double(bitPattern: try read(UInt64.self))
    }

    /// Reads a LEB128 length (of bytes, or a count of elements of at least one byte each),
    /// which cannot exceed the bytes that remain.
    public mutating func readLength() throws -> Int {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte: UInt8 = try read()
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
            guard shift < 64 else { throw StateDecodingError(offset: offset, reason: "length too long") }
        }
        guard value <= UInt64(bytes.count - offset) else {
            throw StateDecodingError(offset: offset, reason: "length \(value) out of range")
        }
        return Int(value)
    }

    /// Reads length-prefixed bytes, borrowed from the underlying buffer.
    public mutating func readBytes() throws -> UnsafeRawBufferPointer {
        let count = try readLength()
        guard bytes.count - offset >= count else { throw StateDecodingError(offset: offset, reason: "truncated bytes") }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + count])
    }

    /// Reads an array written by ``ByteWriter/writeArray(_:)``: its count, then the elements,
    /// in one copy on a little-endian machine.
    ///
    /// Cost: one allocation and one copy of the array's bytes.
    ///
    /// - Throws: ``StateDecodingError`` when fewer bytes remain than the count says.
    public mutating func readArray<T: FixedWidthInteger>(of _: T.Type = T.self) throws -> [T] {
        let count = try readLength()
        let size = MemoryLayout<T>.size
        guard count <= (bytes.count - offset) / size else {
            throw StateDecodingError(offset: offset, reason: "array of \(count) elements of \(size) bytes is truncated")
        }
        let source = UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + count * size])
        offset += count * size
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            if T(1).littleEndian != 1 {
                for index in 0 ..< count { buffer[index] = T(littleEndian: buffer[index]) }
            }
            initialized = count
        }
    }

    /// Reads a length-prefixed UTF-8 string.
    public mutating func read(_: String.Type = String.self) throws -> String {
        String(decoding: try readBytes(), as: UTF8.self)
    }
}

/// Bytes that do not decode to a projection's state.
public struct StateDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where decoding stopped.
    public var offset: Int
    /// What was wrong.
    public var reason: String

    /// Creates an error at `offset`.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// The offset and reason, in words.
    public var description: String { "state bytes at offset \(offset): \(reason)" }
}
