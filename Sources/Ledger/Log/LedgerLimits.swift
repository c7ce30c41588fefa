/// The sizes the ledger accepts.
///
/// Fixed limits come from the record format and the storage engine's key size (511 bytes);
/// ``maximumEventSize`` is set per ledger in ``Ledger/Configuration``.
public struct LedgerLimits: Sendable, Hashable {
    /// Longest event id, in UTF-8 bytes.
    public static let maximumEventIDLength = 128
    /// Longest stream name, in UTF-8 bytes.
    public static let maximumStreamNameLength = 256
    /// Longest event type name, in UTF-8 bytes.
    public static let maximumTypeLength = 255
    /// Most metadata entries on one event.
    public static let maximumMetadataEntries = 64

    /// Largest encoded event (header, id, stream, type, metadata, payload and hash), in bytes.
    /// The 8 bytes by which a store of format 2 links each record to its stream's previous
    /// event are not counted, so an event is accepted or refused alike in either format.
    public var maximumEventSize: Int

    /// Creates limits with the given maximum event size.
    public init(maximumEventSize: Int = 1 << 20) {
        self.maximumEventSize = maximumEventSize
    }

    /// Checks a stream name: 1–256 bytes of UTF-8 without a NUL byte.
    static func validate(stream: String) throws(LedgerError) {
        let count = stream.utf8.count
        guard count > 0 else { throw .invalidStream(reason: "stream name is empty") }
        guard count <= maximumStreamNameLength else {
            throw .invalidStream(reason: "stream name is \(count) bytes; at most \(maximumStreamNameLength) allowed")
        }
        guard !stream.utf8.contains(0) else { throw .invalidStream(reason: "stream name contains a NUL byte") }
    }
}
