import Projections

/// Bulk coding of flat arrays for report states: a snapshot of a report is a handful of
/// arrays, each written as its byte length and its raw memory in one copy, so decoding a
/// snapshot (what an as-of query starts from) costs a few `memcpy`s, not a loop per entity.
///
/// The element bytes are the host's, which is little-endian on every platform the package
/// supports (Linux and macOS on x86-64 and arm64); a big-endian host swaps them.
extension ByteWriter {
    /// Appends `array` as its byte count and its elements' bytes.
    mutating func writeFlat<T: FixedWidthInteger>(_ array: [T]) {
        #if _endian(big)
        write(array.map(\.littleEndian).withUnsafeBytes { Array($0) })
        #else
        array.withUnsafeBytes { write($0) }
        #endif
    }
}

extension ByteReader {
    /// Reads an array written by ``ByteWriter/writeFlat(_:)``.
    ///
    /// - Throws: `StateDecodingError` when the byte count is not a whole number of elements or
    ///   runs past the end.
    mutating func readFlat<T: FixedWidthInteger>(_: T.Type = T.self) throws -> [T] {
        let raw = try readBytes()
        let size = MemoryLayout<T>.size
        guard raw.count % size == 0 else {
            throw StateDecodingError(offset: offset, reason: "array of \(raw.count) bytes is not whole \(size)-byte elements")
        }
        let array = [T](unsafeUninitializedCapacity: raw.count / size) { buffer, count in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
            count = raw.count / size
        }
        #if _endian(big)
        return array.map { T(littleEndian: $0) }
        #else
        return array
        #endif
    }

    /// Reads a flat array and checks that it holds exactly `count` elements.
    mutating func readFlat<T: FixedWidthInteger>(_: T.Type = T.self, count: Int) throws -> [T] {
        let array: [T] = try readFlat()
        guard array.count == count else {
            throw StateDecodingError(offset: offset, reason: "array of \(array.count) elements where \(count) were expected")
        }
        return array
    }
}
