extension String {
    /// Calls `body` with the string's UTF-8 bytes (contiguous for native strings: no copy).
    @inline(__always)
    func withUTF8Bytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        if let result = try utf8.withContiguousStorageIfAvailable({ try body(UnsafeRawBufferPointer($0)) }) { return result }
        var copy = self
        return try copy.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }
}
