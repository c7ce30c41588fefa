import Ledger

/// The events every append benchmark writes, and the raw record its baseline writes.
///
/// Shaped like the domain's events (`ev-000042` in stream `challenge-c7`, type `IdeaAdvanced`,
/// metadata `actor`), sized so that each encodes to exactly ``recordSize`` bytes in the
/// record format of a new store (record format 2): the 64-byte header, the 8-byte link to the
/// stream's previous event and the 32-byte hash (104), id 15, stream 13, type 12, metadata 22
/// (two 2-byte lengths, `actor`, `anna@region-x`) and a 34-byte payload.
/// The raw baseline stores a record of the same ``recordSize`` under an 8-byte key, as the
/// ledger's `log` database does; each ledger benchmark checks in its teardown that the stored
/// records have that size.
///
/// Ids are a zero-padded counter (the domain's `ev-000042` style), so they arrive in order in
/// the ledger's id index. Strings are at most 15 bytes, so building an event allocates nothing
/// but its array; events are built outside the measured region.
enum Workload {
    /// Bytes of every record, ledger and raw alike.
    static let recordSize = 200

    /// The ledger's per-record overhead: header, link to the stream's previous event, hash.
    static let recordFixedSize = 104

    static let type = "IdeaAdvanced"
    static let metadata = ["actor": "anna@region-x"]
    static let occurredAt = Timestamp(secondsSinceEpoch: 1_741_083_300)

    /// `challenge-cNN`: 13 bytes.
    static func stream(_ number: Int) -> String {
        "challenge-c" + zeroPadded(number, width: 2)
    }

    /// `ev-` and 12 digits: 15 bytes. Appenders running at once use disjoint ranges.
    static func eventID(_ number: Int) -> String {
        "ev-" + zeroPadded(number, width: 12)
    }

    /// Fills the record up to ``recordSize``: a JSON-ish 42-byte payload.
    static let payload: [UInt8] = {
        let metadataSize = metadata.reduce(0) { $0 + 4 + $1.key.utf8.count + $1.value.utf8.count }
        let count = recordSize - recordFixedSize - eventID(0).utf8.count - stream(0).utf8.count
            - type.utf8.count - metadataSize
        let text = Array(#"{"challenge":"c7","stage":"concept","n":1234567890123456789}"#.utf8)
        precondition(count > 0 && count <= text.count, "the workload's strings leave \(count) bytes for the payload")
        return Array(text.prefix(count))
    }()

    /// The event numbered `number`.
    static func event(_ number: Int) -> NewEvent {
        NewEvent(id: eventID(number), type: type, occurredAt: occurredAt, metadata: metadata, payload: payload)
    }

    /// `count` events numbered from `first`.
    static func events(from first: Int, count: Int) -> [NewEvent] {
        (first ..< first + count).map(event)
    }

    /// The raw baseline's record: ``recordSize`` bytes (its content does not matter to LMDB).
    static let rawRecord: [UInt8] = (0 ..< recordSize).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }

    private static func zeroPadded(_ number: Int, width: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
