import Ledger
import Projections

/// Maps entity ids (their bytes) to dense numbers 0, 1, 2, … in order of first sight, and keeps
/// one 64-bit value of facts per id beside it, so a fold that looks an id up finds its facts
/// in the same cache line.
///
/// An open-addressing hash table over a byte arena. Each table cell is three words: the id's
/// first 8 bytes (zero-padded), the dense number plus one (0 = empty) beside a tag of 24 hash
/// bits and the id's length, and the id's value (0 until set). An id of at most 8 bytes is
/// whole in its cell; a longer one's bytes are also appended, once, to one growing array (the
/// arena), where ``starts`` finds them by number. A lookup hashes the bytes a word at a time,
/// probes linearly, and on a matching tag and prefix is done for an id of at most 8 bytes —
/// one cell touched, its value with it — and compares the rest in the arena for a longer one.
/// It allocates nothing; inserting appends to the arena and doubles the table when it is three
/// quarters full (amortized, never per lookup). A cell's place (its *slot*) changes when the
/// table grows: use a slot only until the next insert.
struct EntityInterner: Sendable, Hashable {
    /// The bytes of the ids longer than 8 bytes, back to back.
    private(set) var arena: [UInt8] = []
    /// Where each id's bytes start in ``arena`` (an id of at most 8 bytes has none there); one
    /// more entry than there are ids.
    private(set) var starts: [UInt32] = [0]
    /// Three words per cell: the prefix; `number + 1` (low 32 bits) and the tag (high 32);
    /// the value.
    private var cells: [UInt64] = Array(repeating: 0, count: wordsPerCell * 16)
    private static let wordsPerCell = 3

    /// The number of ids interned.
    var count: Int { starts.count - 1 }

    private var cellCount: Int { cells.count / Self.wordsPerCell }

    /// The bytes of the id in `slot`: from the cell for an id of at most 8 bytes, else from
    /// the arena.
    private func withBytes<R>(atSlot slot: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let length = Int(cells[Self.wordsPerCell &* slot &+ 1] >> 32 & 0xFF)
        if length <= 8 {
            let prefix = cells[Self.wordsPerCell &* slot].littleEndian
            return try withUnsafeBytes(of: prefix) { try body(UnsafeRawBufferPointer(rebasing: $0[0 ..< length])) }
        }
        let index = number(atSlot: slot)
        let range = Int(starts[index]) ..< Int(starts[index + 1])
        return try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    /// The id numbered `index`, as a string (allocates, and looks through every cell: for
    /// tests and diagnostics, not for folds).
    func id(_ index: Int) -> String {
        for cell in 0 ..< cellCount where cells[Self.wordsPerCell * cell + 1] != 0 && number(atSlot: cell) == index {
            return withBytes(atSlot: cell) { String(decoding: $0, as: UTF8.self) }
        }
        preconditionFailure("no id numbered \(index)")
    }

    /// The number of `bytes`, interning them when they are new.
    @inline(__always)
    mutating func intern(_ bytes: UnsafeRawBufferPointer) -> Int {
        // In two steps: `number(atSlot: slot(of:))` would read the table as it was before
        // the insert.
        let slot = slot(of: bytes)
        return number(atSlot: slot)
    }

    /// The slot of `bytes`, interning them (value 0) when they are new. Valid until the next
    /// call that may insert.
    @inline(__always)
    mutating func slot(of bytes: UnsafeRawBufferPointer) -> Int {
        let key = Key(bytes)
        let cell = find(key, bytes)
        if cells[Self.wordsPerCell &* cell &+ 1] != 0 { return cell }
        return insert(key, bytes, at: cell)
    }

    private mutating func insert(_ key: Key, _ bytes: UnsafeRawBufferPointer, at cell: Int) -> Int {
        let index = count
        if bytes.count > 8 { arena.append(contentsOf: bytes) }
        starts.append(UInt32(arena.count))
        cells[Self.wordsPerCell * cell] = key.prefix
        cells[Self.wordsPerCell * cell + 1] = UInt64(key.tag) << 32 | UInt64(index + 1)
        guard count &* 4 > cellCount &* 3 else { return cell }
        grow()
        return find(key, bytes)
    }

    /// Asks the processor for the cell where a look-up of `bytes` starts (``MemoryHint``), so
    /// that a later ``slot(of:)`` finds it in the cache. Changes nothing.
    @inline(__always)
    func prefetch(_ bytes: UnsafeRawBufferPointer) {
        let cell = Int(truncatingIfNeeded: Key(bytes).hash) & (cellCount &- 1)
        cells.withUnsafeBufferPointer { MemoryHint.prefetch($0.baseAddress.map { UnsafeRawPointer($0 + Self.wordsPerCell &* cell) }) }
    }

    /// The dense number of the id in `slot`.
    @inline(__always)
    func number(atSlot slot: Int) -> Int {
        Int(truncatingIfNeeded: cells[Self.wordsPerCell &* slot &+ 1] & 0xFFFF_FFFF) &- 1
    }

    /// The value of the id in `slot`.
    @inline(__always)
    subscript(valueAt slot: Int) -> UInt64 {
        get { cells[Self.wordsPerCell &* slot &+ 2] }
        set { cells[Self.wordsPerCell &* slot &+ 2] = newValue }
    }

    /// Every id's value, by number. O(cells).
    func values() -> [UInt64] {
        var values = [UInt64](repeating: 0, count: count)
        for cell in 0 ..< cellCount where cells[Self.wordsPerCell * cell + 1] != 0 {
            values[number(atSlot: cell)] = self[valueAt: cell]
        }
        return values
    }

    /// The number of `bytes`, or `nil` when they were never interned.
    func index(of bytes: UnsafeRawBufferPointer) -> Int? {
        let cell = find(Key(bytes), bytes)
        return cells[Self.wordsPerCell * cell + 1] == 0 ? nil : number(atSlot: cell)
    }

    /// The number of the id `text`, or `nil`.
    func index(of text: String) -> Int? {
        var text = text
        return text.withUTF8 { index(of: UnsafeRawBufferPointer($0)) }
    }

    /// The cell holding `bytes`, or the empty cell where they would go.
    @inline(__always)
    private func find(_ key: Key, _ bytes: UnsafeRawBufferPointer) -> Int {
        let mask = cellCount &- 1
        var cell = Int(truncatingIfNeeded: key.hash) & mask
        while true {
            let stored = cells[Self.wordsPerCell &* cell &+ 1]
            if stored == 0 { return cell }
            if UInt32(truncatingIfNeeded: stored >> 32) == key.tag, cells[Self.wordsPerCell &* cell] == key.prefix,
               bytes.count <= 8 || equals(Int(truncatingIfNeeded: stored & 0xFFFF_FFFF) &- 1, bytes) {
                return cell
            }
            cell = (cell &+ 1) & mask
        }
    }

    /// Whether the id numbered `index`, longer than 8 bytes, is `bytes`.
    private func equals(_ index: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let range = Int(starts[index]) ..< Int(starts[index + 1])
        return arena.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[range]).elementsEqual(bytes) }
    }

    /// Doubles the table and moves every cell to its place in the new one (the tag's hash
    /// bits are not the whole hash, so each id is hashed again, from its cell or the arena).
    private mutating func grow() {
        let capacity = cellCount * 2
        var newCells = [UInt64](repeating: 0, count: Self.wordsPerCell * capacity)
        let mask = capacity - 1
        for old in 0 ..< cellCount where cells[Self.wordsPerCell * old + 1] != 0 {
            let key = withBytes(atSlot: old) { Key($0) }
            var cell = Int(truncatingIfNeeded: key.hash) & mask
            while newCells[Self.wordsPerCell * cell + 1] != 0 { cell = (cell + 1) & mask }
            for word in 0 ..< Self.wordsPerCell { newCells[Self.wordsPerCell * cell + word] = cells[Self.wordsPerCell * old + word] }
        }
        cells = newCells
    }

    /// What the table keeps of an id: its hash, its first 8 bytes, and a tag of 24 hash bits
    /// and its length (capped at 255), so a matching tag and prefix of an id of at most 8 bytes
    /// is a matching id.
    struct Key {
        let hash: UInt64
        let prefix: UInt64
        let tag: UInt32

        @inline(__always)
        init(_ bytes: UnsafeRawBufferPointer) {
            let count = bytes.count
            var hash = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
            var offset = 0
            while offset &+ 8 <= count {
                hash = (hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
                hash ^= hash >> 29
                offset &+= 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                tail |= UInt64(bytes[offset]) << shift
                shift &+= 8
                offset &+= 1
            }
            hash = (hash ^ tail) &* 0x94D0_49BB_1331_11EB
            hash ^= hash >> 31
            self.hash = hash
            prefix = count >= 8 ? bytes.loadUnaligned(as: UInt64.self) : tail
            tag = UInt32(truncatingIfNeeded: hash >> 40) << 8 | UInt32(min(count, 255))
        }
    }
}

extension EntityInterner {
    /// Writes the arena and the table as flat blocks (see ``FlatCoding``).
    func encode(to writer: inout ByteWriter) {
        writer.writeFlat(arena)
        writer.writeFlat(starts)
        writer.writeFlat(cells)
    }

    /// Reads what ``encode(to:)`` wrote, checking that the blocks fit together.
    static func decode(from reader: inout ByteReader) throws -> EntityInterner {
        var interner = EntityInterner()
        interner.arena = try reader.readFlat()
        interner.starts = try reader.readFlat()
        interner.cells = try reader.readFlat()
        let capacity = interner.cellCount
        guard interner.starts.first == 0, interner.starts.last.map(Int.init) == interner.arena.count,
              zip(interner.starts, interner.starts.dropFirst()).allSatisfy({ $0 <= $1 }),
              interner.cells.count % wordsPerCell == 0, capacity >= 16, capacity & (capacity - 1) == 0,
              interner.count * 4 <= capacity * 3
        else {
            throw StateDecodingError(offset: reader.offset, reason: "inconsistent entity table")
        }
        return interner
    }
}
