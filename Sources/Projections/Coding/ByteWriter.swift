/// Appends little-endian integers, byte strings and lengths to a growing byte array: how a
/// projection encodes its state for checkpoints and snapshots.
///
/// ```swift
/// var writer = ByteWriter()
/// writer.write(UInt64(state.count))
/// writer.write(state.name)
/// let bytes = writer.bytes
/// ```
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8] = []

    /// Creates an empty writer.
    public init() {}

    /// Appends `value` in little-endian order.
    @inlinable
    public mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends `value`'s bit pattern in little-endian order.
    public mutating func write(_ value: Double) { write(value.bitPattern) }

    /// Appends a length (as a variable-length integer) and the bytes.
    public mutating func write(_ raw: some Collection<UInt8>) {
        writeLength(raw.count)
        bytes.append(contentsOf: raw)
    }

    /// Appends a string as its UTF-8 length and bytes.
    public mutating func write(_ string: String) { write(string.utf8) }

    /// Appends `values` as their count (a LEB128 length) and their little-endian bytes, in one
    /// copy on a little-endian machine: the fast way to write a state kept in flat arrays,
    /// read back with ``ByteReader/readArray(of:)``.
    ///
    /// Cost: one copy of `values.count * MemoryLayout<T>.size` bytes.
    @inlinable
    public mutating func writeArray<T: FixedWidthInteger>(_ values: [T]) {
        writeLength(values.count)
        if T(1).littleEndian == 1 {
            values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        } else {
            bytes.reserveCapacity(bytes.count + values.count * MemoryLayout<T>.size)
            for value in values { write(value) }
        }
    }

    /// Reserves room for `count` more bytes, sparing regrowth when the size is known.
    public mutating func reserveCapacity(_ count: Int) {
        bytes.reserveCapacity(bytes.count + count)
    }

    /// Appends a non-negative count as a LEB128 variable-length integer.
    public mutating func writeLength(_ count: Int) {
        var value = UInt64(count)
        repeat {
            let byte = UInt8(value & 0x7F)
            value >>= 7
            bytes.append(value == 0 ? byte : byte | 0x80)
        } while value != 0
    }
}
