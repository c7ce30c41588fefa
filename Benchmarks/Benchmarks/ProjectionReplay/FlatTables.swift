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

    /// Writes the entries and the table as they are, in bulk: reading them back is a copy,
    /// not a rebuild (see ``decode(from:)``).
    func encode(to writer: inout ByteWriter) {
        writer.reserveCapacity(arena.count + offsets.count * 4 + cells.count * 8 + 16)
        writer.writeArray(arena)
        writer.writeArray(offsets)
        writer.writeArray(cells)
    }

    /// Reads what ``encode(to:)`` wrote, checking that every entry is where its offset says
    /// and that the table is a power of two with room left and cells that point at entries.
    static func decode(from reader: inout ByteReader) throws -> ByteInterner {
        var interner = ByteInterner()
        interner.arena = try reader.readArray(of: UInt8.self)
        interner.offsets = try reader.readArray(of: UInt32.self)
        interner.cells = try reader.readArray(of: UInt64.self)
        let arenaCount = interner.arena.count
        let valid = interner.arena.withUnsafeBytes { arena in
            interner.offsets.withUnsafeBufferPointer { offsets in
                for (number, offset) in offsets.enumerated() {
                    let offset = Int(offset)
                    guard offset + 6 <= arenaCount,
                          UInt32(littleEndian: arena.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) == UInt32(number),
                          offset + 6 + Int(UInt16(littleEndian: arena.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self))) <= arenaCount
                    else { return false }
                }
                return true
            }
        }
        guard valid else { throw StateDecodingError(offset: reader.offset, reason: "an interner entry is not where its offset says") }
        let capacity = interner.cells.count
        var used = 0
        for cell in interner.cells where cell != 0 {
            guard Int(truncatingIfNeeded: cell & 0xFFFF_FFFF) - 1 < arenaCount else {
                throw StateDecodingError(offset: reader.offset, reason: "an interner cell points past the entries")
            }
            used += 1
        }
        guard capacity >= 16, capacity & (capacity - 1) == 0, used == interner.offsets.count, used * 2 <= capacity else {
            throw StateDecodingError(offset: reader.offset, reason: "interner table of \(capacity) cells holding \(used) of \(interner.offsets.count) entries")
        }
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

    /// Writes the table as it is, in bulk.
    func encode(to writer: inout ByteWriter) {
        writer.writeArray(cells)
    }

    /// Reads what ``encode(to:)`` wrote: a copy of the table, checked to be a power of two
    /// with room left.
    static func decode(from reader: inout ByteReader) throws -> UInt64Set {
        var set = UInt64Set()
        set.cells = try reader.readArray(of: UInt64.self)
        set.count = set.cells.reduce(0) { $1 == 0 ? $0 : $0 + 1 }
        let capacity = set.cells.count
        guard capacity >= 16, capacity & (capacity - 1) == 0, set.count * 2 <= capacity else {
            throw StateDecodingError(offset: reader.offset, reason: "set table of \(capacity) cells holding \(set.count) keys")
        }
        return set
    }

    private mutating func grow() {
        let old = cells
        cells = Array(repeating: 0, count: old.count * 2)
        count = 0
        for key in old where key != 0 { _ = insert(key) }
    }
}

/// A map from non-zero 64-bit keys to bytes in two parallel open-addressed arrays (key 0
/// marks an empty cell): no allocation per entry, and a snapshot is two bulk copies.
struct UInt64ByteMap: Sendable, Equatable {
    private var keys: [UInt64]
    private var values: [UInt8]
    private(set) var count = 0

    /// A map with room for `capacity` entries before it grows.
    init(capacity: Int = 8) {
        var cells = 16
        while capacity * 2 > cells { cells *= 2 }
        keys = Array(repeating: 0, count: cells)
        values = Array(repeating: 0, count: cells)
    }

    @inline(__always)
    private static func home(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The value of `key` (not 0), or `nil`; setting stores it.
    subscript(key: UInt64) -> UInt8? {
        get {
            let mask = keys.count - 1
            var cell = Self.home(key, mask)
            while true {
                let stored = keys[cell]
                if stored == key { return values[cell] }
                if stored == 0 { return nil }
                cell = (cell + 1) & mask
            }
        }
        set {
            guard let newValue else { preconditionFailure("UInt64ByteMap does not remove") }
            set(newValue, for: key)
        }
    }

    @inline(__always)
    mutating func set(_ value: UInt8, for key: UInt64) {
        let mask = keys.count - 1
        var cell = Self.home(key, mask)
        while true {
            let stored = keys[cell]
            if stored == key { values[cell] = value; return }
            if stored == 0 { break }
            cell = (cell + 1) & mask
        }
        keys[cell] = key
        values[cell] = value
        count += 1
        if count * 2 > keys.count { grow() }
    }

    /// Every value, in no particular order.
    var allValues: [UInt8] { zip(keys, values).compactMap { $0.0 == 0 ? nil : $0.1 } }

    private mutating func grow() {
        let (oldKeys, oldValues) = (keys, values)
        keys = Array(repeating: 0, count: oldKeys.count * 2)
        values = Array(repeating: 0, count: oldKeys.count * 2)
        count = 0
        for (key, value) in zip(oldKeys, oldValues) where key != 0 { set(value, for: key) }
    }

    /// Equal when they map the same keys to the same values, however laid out.
    static func == (a: UInt64ByteMap, b: UInt64ByteMap) -> Bool {
        guard a.count == b.count else { return false }
        for (key, value) in zip(a.keys, a.values) where key != 0 {
            guard b[key] == value else { return false }
        }
        return true
    }

    /// Writes both arrays as they are, in bulk.
    func encode(to writer: inout ByteWriter) {
        writer.reserveCapacity(keys.count * 9 + 8)
        writer.writeArray(keys)
        writer.writeArray(values)
    }

    /// Reads what ``encode(to:)`` wrote: two copies, checked to be parallel arrays of a power
    /// of two cells with room left.
    static func decode(from reader: inout ByteReader) throws -> UInt64ByteMap {
        var map = UInt64ByteMap()
        map.keys = try reader.readArray(of: UInt64.self)
        map.values = try reader.readArray(of: UInt8.self)
        map.count = map.keys.reduce(0) { $1 == 0 ? $0 : $0 + 1 }
        let capacity = map.keys.count
        guard capacity >= 16, capacity & (capacity - 1) == 0, map.values.count == capacity, map.count * 2 <= capacity else {
            throw StateDecodingError(offset: reader.offset, reason: "map of \(capacity) keys, \(map.values.count) values, \(map.count) entries")
        }
        return map
    }
}
