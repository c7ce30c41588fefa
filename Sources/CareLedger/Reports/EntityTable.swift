import Ledger
import Projections

/// A table of the entities a report has seen, numbered densely 0, 1, 2, … in order of first
/// sight: organisations, whose numbers persons refer to.
typealias EntityInterner = EntityTable<NumberedCells>
/// A table of the entities a report has seen, without numbers, in two words per entity cell:
/// persons and challenges, millions of them, found only by id.
typealias EntitySet = EntityTable<CompactCells>

/// How an ``EntityTable`` lays out its cells.
protocol EntityTableLayout: Sendable, Hashable {
    /// Whether each id gets a dense number: three words per cell (the id, a tag beside the
    /// number, a 64-bit value) instead of two (the id, a tag beside a 48-bit value).
    static var numbered: Bool { get }
}

/// Three words per cell: the id or its arena offset; a tag of 24 hash bits and the id's length
/// (high 32 bits) beside the number plus one (low 32); the value, 64 bits.
enum NumberedCells: EntityTableLayout {
    static var numbered: Bool { true }
}

/// Two words per cell: the id or its arena offset; a tag of a set bit, 7 hash bits and the
/// id's length (high 16 bits) beside the value, 48 bits.
enum CompactCells: EntityTableLayout {
    static var numbered: Bool { false }
}

/// Maps entity ids (their bytes) to a value of facts per id, kept in the id's own table cell,
/// so a fold that looks an id up finds its facts in the same cache line.
///
/// An open-addressing hash table over a byte arena. A cell holds the id itself when it is at
/// most 8 bytes long (zero-padded), or else where its bytes start in the arena; a tag of hash
/// bits and the id's length; and the value (0 until set) — plus, in ``NumberedCells``, the id's
/// dense number. An id of at most 8 bytes is whole in its cell; a longer one's bytes are
/// appended, once, to one growing array (the arena), after their length. A lookup hashes the
/// bytes a word at a time, probes linearly, and on a matching tag is done for an id of at most
/// 8 bytes when the cell's first word matches — one cell touched, its value with it — and
/// compares the bytes in the arena for a longer one. It allocates nothing; inserting appends
/// to the arena and doubles the table when it is three quarters full (amortized, never per
/// lookup). A cell's place (its *slot*) changes when the table grows: use a slot only until
/// the next insert.
///
/// Memory: 16 bytes per cell (``CompactCells``) or 24 (``NumberedCells``), between 1⅓ and 2⅔
/// cells per id, plus 4 bytes and the bytes of each id longer than 8.
struct EntityTable<Layout: EntityTableLayout>: Sendable, Hashable {
    /// The ids longer than 8 bytes, back to back, each after its length (4 bytes, little-endian).
    private(set) var arena: [UInt8] = []
    /// The number of ids in the table.
    private(set) var count = 0
    /// ``wordsPerCell`` words per cell (see the layouts).
    private var cells = WordColumn(zeros: wordsPerCell * 16)

    @inline(__always) private static var wordsPerCell: Int { Layout.numbered ? 3 : 2 }
    /// The bits of a compact cell's second word that hold its value.
    private static var compactValueMask: UInt64 { (1 << 48) - 1 }
    /// The largest value a cell keeps: 2⁶⁴ − 1 numbered, 2⁴⁸ − 1 compact.
    static var maximumValue: UInt64 { Layout.numbered ? .max : compactValueMask }
    /// The bytes before each id in the arena: its length.
    private static var lengthBytes: Int { 4 }

    private var cellCount: Int { cells.count / Self.wordsPerCell }

    /// The tag of `key` as a cell's second word keeps it (value or number bits zero).
    @inline(__always)
    private static func tag(_ key: Key) -> UInt64 {
        Layout.numbered
            ? UInt64(truncatingIfNeeded: key.hash >> 40) << 40 | UInt64(key.length) << 32
            : 1 << 63 | (key.hash >> 57) << 56 | UInt64(key.length) << 48
    }

    /// The tag bits of a cell's second word.
    @inline(__always)
    private static func tag(ofWord word: UInt64) -> UInt64 {
        Layout.numbered ? word & 0xFFFF_FFFF_0000_0000 : word & ~compactValueMask
    }

    /// The id's length (capped at 255) from a cell's second word.
    @inline(__always)
    private static func length(ofWord word: UInt64) -> Int {
        Int(truncatingIfNeeded: word >> (Layout.numbered ? 32 : 48) & 0xFF)
    }

    /// The bytes of the id in `slot`: from the cell for an id of at most 8 bytes, else from
    /// the arena.
    private func withBytes<R>(atSlot slot: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let length = Self.length(ofWord: cells[Self.wordsPerCell &* slot &+ 1])
        if length <= 8 {
            let prefix = cells[Self.wordsPerCell &* slot].littleEndian
            return try withUnsafeBytes(of: prefix) { try body(UnsafeRawBufferPointer(rebasing: $0[0 ..< length])) }
        }
        return try arena.withUnsafeBytes { try body(Self.arenaEntry($0, at: Int(truncatingIfNeeded: cells[Self.wordsPerCell &* slot]))) }
    }

    /// The id stored at `offset` of `arena` (after its length), cut at the arena's end: a
    /// decoded table checks each offset against the arena (``decode(from:)``), not each
    /// stored length, so this keeps a damaged length inside the arena.
    @inline(__always)
    private static func arenaEntry(_ arena: UnsafeRawBufferPointer, at offset: Int) -> UnsafeRawBufferPointer {
        let stored = Int(arena.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian)
        let start = offset &+ lengthBytes
        return UnsafeRawBufferPointer(rebasing: arena[start ..< start &+ min(stored, arena.count &- start)])
    }

    /// The slot of `bytes`, adding them (value 0) when they are new. Valid until the next
    /// call that may insert.
    @inline(__always)
    mutating func slot(of bytes: UnsafeRawBufferPointer) -> Int {
        let key = Key(bytes)
        let cell = find(key, bytes)
        if cells[Self.wordsPerCell &* cell &+ 1] != 0 { return cell }
        return insert(key, bytes, at: cell)
    }

    /// The slot of `bytes`, or `nil` when they were never added. Valid until the next insert.
    func existingSlot(of bytes: UnsafeRawBufferPointer) -> Int? {
        let cell = find(Key(bytes), bytes)
        return cells[Self.wordsPerCell &* cell &+ 1] == 0 ? nil : cell
    }

    /// The slot of the id `text`, or `nil` (allocates: for tests and diagnostics).
    func existingSlot(of text: String) -> Int? {
        var text = text
        return text.withUTF8 { existingSlot(of: UnsafeRawBufferPointer($0)) }
    }

    private mutating func insert(_ key: Key, _ bytes: UnsafeRawBufferPointer, at cell: Int) -> Int {
        let index = count
        count += 1
        if bytes.count > 8 {
            cells[Self.wordsPerCell * cell] = UInt64(arena.count)
            withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { arena.append(contentsOf: $0) }
            arena.append(contentsOf: bytes)
        } else {
            cells[Self.wordsPerCell * cell] = key.prefix
        }
        cells[Self.wordsPerCell * cell + 1] = Self.tag(key) | (Layout.numbered ? UInt64(index + 1) : 0)
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

    /// The value of the id in `slot`. A compact cell keeps the low 48 bits of what is set
    /// (``maximumValue``); setting more is a programming error, caught in debug builds.
    @inline(__always)
    subscript(valueAt slot: Int) -> UInt64 {
        get {
            Layout.numbered
                ? cells[Self.wordsPerCell &* slot &+ 2]
                : cells[Self.wordsPerCell &* slot &+ 1] & Self.compactValueMask
        }
        set {
            assert(newValue <= Self.maximumValue, "value wider than the cell")
            if Layout.numbered {
                cells[Self.wordsPerCell &* slot &+ 2] = newValue
            } else {
                let word = Self.wordsPerCell &* slot &+ 1
                cells[word] = cells[word] & ~Self.compactValueMask | newValue & Self.compactValueMask
            }
        }
    }

    /// Calls `body` with every id's value, in table order (not in order of first sight).
    /// O(cells); allocates nothing, so a report over millions of ids needs no copy of their
    /// values.
    func forEachValue(_ body: (UInt64) throws -> Void) rethrows {
        try cells.withUnsafeBufferPointer { cells in
            var cell = 0
            while cell < cells.count {
                let word = cells[cell &+ 1]
                if word != 0 { try body(Layout.numbered ? cells[cell &+ 2] : word & Self.compactValueMask) }
                cell &+= Self.wordsPerCell
            }
        }
    }

    /// The number of ids whose value satisfies `predicate`. O(cells); allocates nothing.
    func countValues(where predicate: (UInt64) throws -> Bool) rethrows -> Int {
        var count = 0
        try forEachValue { if try predicate($0) { count += 1 } }
        return count
    }

    /// The cell holding `bytes`, or the empty cell where they would go.
    @inline(__always)
    private func find(_ key: Key, _ bytes: UnsafeRawBufferPointer) -> Int {
        let mask = cellCount &- 1
        let tag = Self.tag(key)
        var cell = Int(truncatingIfNeeded: key.hash) & mask
        while true {
            let stored = cells[Self.wordsPerCell &* cell &+ 1]
            if stored == 0 { return cell }
            if Self.tag(ofWord: stored) == tag,
               bytes.count <= 8 ? cells[Self.wordsPerCell &* cell] == key.prefix : equals(cell, bytes) {
                return cell
            }
            cell = (cell &+ 1) & mask
        }
    }

    /// Whether the id in `cell`, longer than 8 bytes, is `bytes`.
    private func equals(_ cell: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        arena.withUnsafeBytes { Self.arenaEntry($0, at: Int(truncatingIfNeeded: cells[Self.wordsPerCell &* cell])).elementsEqual(bytes) }
    }

    /// Doubles the table and moves every cell to its place in the new one (the tag's hash
    /// bits are not the whole hash, so each id is hashed again, from its cell or the arena).
    private mutating func grow() {
        let capacity = cellCount * 2
        var newCells = WordColumn(zeros: Self.wordsPerCell * capacity)
        let mask = capacity - 1
        for old in 0 ..< cellCount where cells[Self.wordsPerCell * old + 1] != 0 {
            let key = withBytes(atSlot: old) { Key($0) }
            var cell = Int(truncatingIfNeeded: key.hash) & mask
            while newCells[Self.wordsPerCell * cell + 1] != 0 { cell = (cell + 1) & mask }
            for word in 0 ..< Self.wordsPerCell { newCells[Self.wordsPerCell * cell + word] = cells[Self.wordsPerCell * old + word] }
        }
        cells = newCells
    }

    /// What the table keeps of an id: its hash, its first 8 bytes, and its length (capped at
    /// 255), so a matching tag and first word of an id of at most 8 bytes is a matching id.
    struct Key {
        let hash: UInt64
        let prefix: UInt64
        let length: UInt8

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
            length = UInt8(min(count, 255))
        }
    }
}

extension EntityTable where Layout == NumberedCells {
    /// The number of `bytes`, adding them when they are new.
    @inline(__always)
    mutating func intern(_ bytes: UnsafeRawBufferPointer) -> Int {
        // In two steps: `number(atSlot: slot(of:))` would read the table as it was before
        // the insert.
        let slot = slot(of: bytes)
        return number(atSlot: slot)
    }

    /// The dense number of the id in `slot`.
    @inline(__always)
    func number(atSlot slot: Int) -> Int {
        Int(truncatingIfNeeded: cells[Self.wordsPerCell &* slot &+ 1] & 0xFFFF_FFFF) &- 1
    }

    /// The number of `bytes`, or `nil` when they were never added.
    func index(of bytes: UnsafeRawBufferPointer) -> Int? {
        existingSlot(of: bytes).map(number(atSlot:))
    }

    /// The number of the id `text`, or `nil`.
    func index(of text: String) -> Int? {
        existingSlot(of: text).map(number(atSlot:))
    }

    /// The id numbered `index`, as a string (allocates, and looks through every cell: for
    /// tests and diagnostics, not for folds).
    func id(_ index: Int) -> String {
        for cell in 0 ..< cellCount where cells[Self.wordsPerCell * cell + 1] != 0 && number(atSlot: cell) == index {
            return withBytes(atSlot: cell) { String(decoding: $0, as: UTF8.self) }
        }
        preconditionFailure("no id numbered \(index)")
    }

    /// Every id's value, by number. O(cells); allocates an array of ``count`` values.
    func values() -> [UInt64] {
        var values = [UInt64](repeating: 0, count: count)
        for cell in 0 ..< cellCount where cells[Self.wordsPerCell * cell + 1] != 0 {
            values[number(atSlot: cell)] = self[valueAt: cell]
        }
        return values
    }
}

extension EntityTable {
    /// Writes the arena and the table as flat blocks (see ``FlatCoding``).
    func encode(to writer: inout ByteWriter) {
        writer.writeFlat(arena)
        cells.encode(to: &writer)
    }

    /// Reads what ``encode(to:)`` wrote, checking that the blocks fit together: a power-of-two
    /// table at most three quarters full, every used cell tagged as the layout tags it, numbers
    /// 0 … count − 1 each once, every long id's length and bytes inside the arena (by the
    /// length its cell keeps). O(cells), in one pass over them in order: it reads nothing of
    /// the arena, whose entries a check of each stored length would visit in hash order, a
    /// cache miss per id (half of restoring a snapshot of millions of ids). What the arena
    /// holds is still never read past its end (see ``arenaEntry(_:at:)``).
    static func decode(from reader: inout ByteReader) throws -> EntityTable {
        var table = EntityTable()
        table.arena = try reader.readFlat()
        table.cells = try WordColumn.decode(from: &reader)
        let capacity = table.cellCount
        guard table.cells.count % wordsPerCell == 0, capacity >= 16, capacity & (capacity - 1) == 0 else {
            throw StateDecodingError(offset: reader.offset, reason: "inconsistent entity table")
        }
        let arenaCount = UInt64(table.arena.count)
        let consistent: Bool = table.cells.withUnsafeBufferPointer { cells in
            var count = 0
            var seen = [Bool]()
            if Layout.numbered {
                count = (0 ..< capacity).count { cells[wordsPerCell &* $0 &+ 1] != 0 }
                seen = [Bool](repeating: false, count: count)
            }
            var cell = 0
            while cell < cells.count {
                let word = cells[cell &+ 1]
                if word != 0 {
                    if Layout.numbered {
                        let number = Int(truncatingIfNeeded: word & 0xFFFF_FFFF) &- 1
                        guard number >= 0, number < seen.count, !seen[number] else { return false }
                        seen[number] = true
                    } else {
                        guard word >> 63 == 1 else { return false }
                        count &+= 1
                    }
                    let length = length(ofWord: word)
                    if length > 8 {
                        let offset = cells[cell]
                        guard offset <= arenaCount, arenaCount &- offset >= UInt64(lengthBytes &+ length) else { return false }
                    }
                }
                cell &+= wordsPerCell
            }
            table.count = count
            return count * 4 <= capacity * 3
        }
        guard consistent else { throw StateDecodingError(offset: reader.offset, reason: "inconsistent entity table") }
        return table
    }
}
