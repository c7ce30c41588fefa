/// The tags of a sequence of event types, each computed once per run of one type: the events
/// of an append are often all of one type, and comparing a name costs less than hashing it.
struct EventTypeTagRuns {
    private var lastType = ""  // never a valid type
    private var lastTag = EventTypeTag(rawValue: 0)

    /// The tag of `type`, computed only when it differs from the previous call's.
    @inline(__always)
    mutating func tag(of type: String) -> EventTypeTag {
        if type != lastType {
            lastType = type
            lastTag = EventTypeTag(type)
        }
        return lastTag
    }
}
