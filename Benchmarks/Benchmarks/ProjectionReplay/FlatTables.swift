import Foundation
import Projections

/// Maps byte strings (ids read in place from a record) to small integers, 0, 1, 2 … in order
/// of first appearance, without making a `String` or allocating per lookup.
///
/// Every entry is kept in one arena as its number (u32), its length (u16) and its bytes; an
/// open-addressed table of 64-bit cells, each a 32-bit tag of the hash and the entry's offset
/// in the arena, is probed by a hash of the bytes. A lookup of a known entry touches one cell
/// and one place in the arena (two cache misses when the table outgrows the cache, as it does
/// for 100 k members). Allocation happens only when the arena or the table grows.
struct ByteInterner: Sendable {
    /// Per entry: number (u32 LE), length (u16 LE), bytes.
    private var arena: [UInt8] = []
    /// Where each entry starts in ``arena``.
    private(set) var offsets: [UInt32] = []
    /// Per cell: 0 (empty), or the hash's tag (high 32 bits) and the entry's arena offset + 1.
    private var cells: [UInt64] = Array(repeating: 0, count: 16)

    init() {}

    var count: Int { offsets.count }

    /// The number of `bytes` (at most 65 535 of them), adding them when new.
    @inline(__always)
    mutating func intern(_ bytes: UnsafeRawBufferPointer) -> Int {
        let hash = Self.hash(bytes)
        let tag = hash & 0xFFFF_FFFF_0000_0000
        let mask = cells.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        let found: Int? = cells.withUnsafeBufferPointer { cells in
            arena.withUnsafeBytes { arena in
                while true {
                    let cell = cells[index]
                    if cell == 0 { return nil }
                    if cell & 0xFFFF_FFFF_0000_0000 == tag {
                        let offset = Int(truncatingIfNeeded: cell & 0xFFFF_FFFF) - 1
                        if Self.entry(arena, at: offset, equals: bytes) {
                            return Int(UInt32(littleEndian: arena.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                        }
                    }
                    index = (index + 1) & mask
                }
            }
        }
        if let found { return found }
        let number = offsets.count
        let offset = arena.count
        withUnsafeBytes(of: UInt32(number).littleEndian) { arena.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt16(bytes.count).littleEndian) { arena.append(contentsOf: $0) }
        arena.append(contentsOf: bytes)
        offsets.append(UInt32(offset))
        cells[index] = tag | UInt64(offset + 1)
        if offsets.count * 2 > cells.count { rehash(capacity: cells.count * 2) }
        return number
    }

    /// The bytes of entry `number`.
    func bytes(of number: Int) -> ArraySlice<UInt8> {
        let offset = Int(offsets[number])
        let length = Int(arena[offset + 4]) | Int(arena[offset + 5]) << 8
        return arena[offset + 6 ..< offset + 6 + length]
    }

    /// Whether the entry at `offset` holds `bytes`: the length, then eight bytes at a time.
    @inline(__always)
    private static func entry(_ arena: UnsafeRawBufferPointer, at offset: Int, equals bytes: UnsafeRawBufferPointer) -> Bool {
        let length = Int(UInt16(littleEndian: arena.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self)))
        guard length == bytes.count else { return false }
        let stored = offset + 6
        var index = 0
        while index + 8 <= length {
            guard arena.loadUnaligned(fromByteOffset: stored + index, as: UInt64.self)
                == bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) else { return false }
            index += 8
        }
        while index < length {
            guard arena[stored + index] == bytes[index] else { return false }
            index += 1
        }
        return true
    }

    private mutating func rehash(capacity: Int) {
        var cells = [UInt64](repeating: 0, count: capacity)
        let mask = capacity - 1
        arena.withUnsafeBytes { arena in
            for offset in offsets {
                let offset = Int(offset)
                let length = Int(UInt16(littleEndian: arena.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self)))
                let hash = Self.hash(UnsafeRawBufferPointer(rebasing: arena[offset + 6 ..< offset + 6 + length]))
                var index = Int(truncatingIfNeeded: hash) & mask
                while cells[index] != 0 { index = (index + 1) & mask }
                cells[index] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(offset + 1)
            }
        }
        self.cells = cells
    }

    /// A 64-bit hash of `bytes`, eight bytes at a time.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 29
            offset += 8
        }
        if offset < bytes.count {
            var tail: UInt64 = 0
            for index in offset ..< bytes.count { tail = tail << 8 | UInt64(bytes[index]) }
            hash = (hash ^ tail) &* 0xFF51_AFD7_ED55_8CCD
        }
        hash ^= hash >> 32
        hash &*= 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 29)
    }

    /// Writes the entries (the arena and the offsets); the table is rebuilt on reading.
    func encode(to writer: inout ByteWriter) {
        writer.write(arena)
        writer.writeLength(offsets.count)
        for offset in offsets { writer.write(offset) }
    }

    static func decode(from reader: inout ByteReader) throws -> ByteInterner {
        var interner = ByteInterner()
        interner.arena = Array(try reader.readBytes())
        let count = try reader.readLength()
        interner.offsets.reserveCapacity(count)
        for number in 0 ..< count {
            let offset = try reader.read(UInt32.self)
            guard Int(offset) + 6 <= interner.arena.count,
                  interner.arena.withUnsafeBytes({ UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: Int(offset), as: UInt32.self)) }) == UInt32(number)
            else { throw StateDecodingError(offset: reader.offset, reason: "interner entry \(number) is not where its offset says") }
            interner.offsets.append(offset)
        }
        // Room to grow by half again before the next rehash.
        var capacity = 16
        while count * 3 > capacity { capacity *= 2 }
        interner.rehash(capacity: capacity)
        return interner
    }
}

/// A set of non-zero 64-bit keys in one open-addressed array (0 marks an empty cell).
struct UInt64Set: Sendable {
    private var cells: [UInt64]
    private(set) var count = 0

    /// A set with room for `capacity` keys before it grows.
    init(capacity: Int = 8) {
        var cells = 16
        while capacity * 2 > cells { cells *= 2 }
        self.cells = Array(repeating: 0, count: cells)
    }

    /// Inserts `key` (not 0); returns whether it was new.
    @inline(__always)
    mutating func insert(_ key: UInt64) -> Bool {
        let mask = cells.count - 1
        var cell = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while true {
            let stored = cells[cell]
            if stored == key { return false }
            if stored == 0 { break }
            cell = (cell + 1) & mask
        }
        cells[cell] = key
        count += 1
        if count * 2 > cells.count { grow() }
        return true
    }

    /// The keys, in no particular order.
    var keys: [UInt64] { cells.filter { $0 != 0 } }

    private mutating func grow() {
        let old = cells
        cells = Array(repeating: 0, count: old.count * 2)
        count = 0
        for key in old where key != 0 { _ = insert(key) }
    }
}
