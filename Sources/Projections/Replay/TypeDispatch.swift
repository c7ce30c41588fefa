public import Ledger

/// Maps a record's type tag to the slots that consume it, in a small open-addressed table:
/// one multiply, one mask and usually one comparison per record.
struct TypeDispatch {
    private var keys: [UInt64]
    private var lists: [ContiguousArray<ProjectionSlot>]
    private var indexes: [Int32]
    private let mask: Int

    init(_ slots: [ProjectionSlot]) {
        var byTag: [UInt64: ContiguousArray<ProjectionSlot>] = [:]
        var order: [UInt64] = []
        for slot in slots {
            for tag in Set(slot.tags.map(\.rawValue)) {
                if byTag[tag] == nil { order.append(tag) }
                byTag[tag, default: []].append(slot)
            }
        }
        var size = 8
        while size < order.count * 4 { size *= 2 }
        mask = size - 1
        keys = [UInt64](repeating: 0, count: size)
        indexes = [Int32](repeating: -1, count: size)
        lists = []
        for tag in order {
            var index = Self.home(tag, mask)
            while indexes[index] >= 0 { index = (index + 1) & mask }
            keys[index] = tag
            indexes[index] = Int32(lists.count)
            lists.append(byTag[tag]!)
        }
    }

    @inline(__always)
    private static func home(_ tag: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (tag &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    /// The slots consuming `tag`, or `nil`.
    @inline(__always)
    func slots(for tag: EventTypeTag) -> ContiguousArray<ProjectionSlot>? {
        var index = Self.home(tag.rawValue, mask)
        while true {
            let list = indexes[index]
            if list < 0 { return nil }
            if keys[index] == tag.rawValue { return lists[Int(list)] }
            index = (index + 1) & mask
        }
    }
}
