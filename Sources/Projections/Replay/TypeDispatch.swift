import Ledger

/// Maps a record's type tag to the indexes of the slots that consume it, in a small
/// open-addressed table: one multiply, one mask and usually one comparison per record, and no
/// reference counting (the lists are ranges of one flat array of integers).
struct TypeDispatch {
    private var keys: [UInt64]
    private var ranges: [Range<Int>]
    private var cells: [Int32]
    /// Slot indexes, grouped by tag; a cell's range points into it.
    private(set) var consumers: [Int] = []
    private let mask: Int

    /// Builds the table for `tags[i]`, the tags slot `i` consumes.
    init(_ tags: [[EventTypeTag]]) {
        var byTag: [UInt64: [Int]] = [:]
        var order: [UInt64] = []
        for (index, slotTags) in tags.enumerated() {
            for tag in Set(slotTags.map(\.rawValue)) {
                if byTag[tag] == nil { order.append(tag) }
                byTag[tag, default: []].append(index)
            }
        }
        var size = 8
        while size < order.count * 4 { size *= 2 }
        mask = size - 1
        keys = [UInt64](repeating: 0, count: size)
        cells = [Int32](repeating: -1, count: size)
        ranges = []
        for tag in order {
            var cell = Self.home(tag, mask)
            while cells[cell] >= 0 { cell = (cell + 1) & mask }
            keys[cell] = tag
            cells[cell] = Int32(ranges.count)
            let list = byTag[tag]!
            ranges.append(consumers.count ..< consumers.count + list.count)
            consumers.append(contentsOf: list)
        }
    }

    @inline(__always)
    private static func home(_ tag: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (tag &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    /// The range of ``consumers`` holding the slots that consume `tag` (empty for none).
    @inline(__always)
    func consumers(of tag: EventTypeTag) -> Range<Int> {
        var cell = Self.home(tag.rawValue, mask)
        while true {
            let index = cells[cell]
            if index < 0 { return 0 ..< 0 }
            if keys[cell] == tag.rawValue { return ranges[Int(index)] }
            cell = (cell + 1) & mask
        }
    }
}
