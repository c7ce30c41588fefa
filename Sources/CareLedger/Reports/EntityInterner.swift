import Projections

/// Maps entity ids (their bytes) to dense numbers 0, 1, 2, … in order of first sight, so report
/// state can live in flat arrays indexed by entity.
///
/// An open-addressing hash table over a byte arena: each id's bytes are appended once to one
/// growing array, and the table holds, per cell, the dense number plus one (0 = empty) and the
/// id's 32-bit hash. A lookup hashes the bytes (FNV-1a), probes linearly, and compares bytes
/// only when the stored hash matches; it allocates nothing. Inserting appends to the arena and
/// doubles the table when it is half full (amortized, never per lookup).
struct EntityInterner: Sendable, Hashable {
    /// The ids' bytes, back to back.
    private(set) var arena: [UInt8] = []
    /// Where each id starts in ``arena``; one more entry than there are ids.
    private(set) var starts: [UInt32] = [0]
    /// Per cell: dense number + 1, or 0 when the cell is empty. A power-of-two count.
    private var cells: [UInt32] = Array(repeating: 0, count: 16)
    /// Per cell: the hash of the id in it.
    private var cellHashes: [UInt32] = Array(repeating: 0, count: 16)

    /// The number of ids interned.
    var count: Int { starts.count - 1 }

    /// The bytes of the id numbered `index`.
    func withBytes<R>(of index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let range = Int(starts[index]) ..< Int(starts[index + 1])
        return try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    /// The id numbered `index`, as a string (allocates; for reports, not for folds).
    func id(_ index: Int) -> String {
        withBytes(of: index) { String(decoding: $0, as: UTF8.self) }
    }

    /// The number of `bytes`, interning them when they are new.
    @inline(__always)
    mutating func intern(_ bytes: UnsafeRawBufferPointer) -> Int {
        let hash = Self.hash(bytes)
        let mask = cells.count &- 1
        var cell = Int(hash) & mask
        while true {
            let stored = cells[cell]
            if stored == 0 { break }
            if cellHashes[cell] == hash, equals(Int(stored) &- 1, bytes) { return Int(stored) &- 1 }
            cell = (cell &+ 1) & mask
        }
        let index = count
        arena.append(contentsOf: bytes)
        starts.append(UInt32(arena.count))
        cells[cell] = UInt32(index &+ 1)
        cellHashes[cell] = hash
        if count &* 2 > cells.count { grow() }
        return index
    }

    /// The number of `bytes`, or `nil` when they were never interned.
    func index(of bytes: UnsafeRawBufferPointer) -> Int? {
        let hash = Self.hash(bytes)
        let mask = cells.count &- 1
        var cell = Int(hash) & mask
        while true {
            let stored = cells[cell]
            if stored == 0 { return nil }
            if cellHashes[cell] == hash, equals(Int(stored) &- 1, bytes) { return Int(stored) &- 1 }
            cell = (cell &+ 1) & mask
        }
    }

    /// The number of the id `text`, or `nil`.
    func index(of text: String) -> Int? {
        var text = text
        return text.withUTF8 { index(of: UnsafeRawBufferPointer($0)) }
    }

    @inline(__always)
    private func equals(_ index: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = Int(starts[index])
        let end = Int(starts[index &+ 1])
        guard end &- start == bytes.count else { return false }
        return arena.withUnsafeBytes { arena in
            var offset = 0
            while offset < bytes.count {
                if arena[start &+ offset] != bytes[offset] { return false }
                offset &+= 1
            }
            return true
        }
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return hash
    }

    /// Doubles the table and re-inserts every id by its stored hash.
    private mutating func grow() {
        let capacity = cells.count * 2
        var newCells = [UInt32](repeating: 0, count: capacity)
        var newHashes = [UInt32](repeating: 0, count: capacity)
        let mask = capacity - 1
        for old in cells.indices where cells[old] != 0 {
            var cell = Int(cellHashes[old]) & mask
            while newCells[cell] != 0 { cell = (cell + 1) & mask }
            newCells[cell] = cells[old]
            newHashes[cell] = cellHashes[old]
        }
        cells = newCells
        cellHashes = newHashes
    }
}

extension EntityInterner {
    /// Writes the arena and the table as flat blocks (see ``FlatCoding``).
    func encode(to writer: inout ByteWriter) {
        writer.writeFlat(arena)
        writer.writeFlat(starts)
        writer.writeFlat(cells)
        writer.writeFlat(cellHashes)
    }

    /// Reads what ``encode(to:)`` wrote, checking that the blocks fit together.
    static func decode(from reader: inout ByteReader) throws -> EntityInterner {
        var interner = EntityInterner()
        interner.arena = try reader.readFlat()
        interner.starts = try reader.readFlat()
        interner.cells = try reader.readFlat()
        interner.cellHashes = try reader.readFlat()
        let capacity = interner.cells.count
        guard interner.starts.first == 0, interner.starts.last.map(Int.init) == interner.arena.count,
              capacity >= 16, capacity & (capacity - 1) == 0, interner.cellHashes.count == capacity,
              interner.count * 2 <= capacity
        else {
            throw StateDecodingError(offset: reader.offset, reason: "inconsistent entity table")
        }
        return interner
    }
}
