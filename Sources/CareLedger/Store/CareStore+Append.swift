public import Ledger

extension CareStore {
    /// Appends `event` to its entity's stream, if the stream is in the `expected` state and the
    /// event keeps the rules.
    ///
    /// An event whose id is already stored with the same content is not stored again: it
    /// returns its original position and does not meet the rules a second time (so a retry
    /// of a `PersonRegistered` is not "registered twice").
    ///
    /// Cost: one commit (shared with concurrent appends), and the rules' key look-ups.
    ///
    /// - Returns: the event's position in the log.
    /// - Throws: ``RuleViolation`` when the event breaks a rule; `LedgerError` as
    ///   ``Ledger/Ledger/append(_:to:expecting:)`` (for example `eventIDConflict` for the same id
    ///   with other content, `wrongExpectedVersion`). Nothing is stored on any error.
    @discardableResult
    public func append(_ event: CareEvent, expecting expected: ExpectedVersion = .any) async throws -> UInt64 {
        try await ledger.append([event.newEvent], to: event.stream, expecting: expected).positions[0]
    }

    /// Appends `events` atomically, in the order given, each to its entity's stream: either
    /// all are stored or none.
    ///
    /// The rules see the events in order, so a batch may register an organisation and then
    /// a person of it. `expected` applies to every stream the batch touches (`.noStream`: every
    /// entity is new). With `.any` the events are stored in the order given, whatever their
    /// streams; with another expectation, which applies to a stream as a whole, the events of
    /// one stream must be contiguous in `events` (`[a₁, b₁, a₂]` is refused: append it in two
    /// calls, or reorder it).
    ///
    /// - Returns: each event's position, in the order given.
    /// - Throws: ``CareStoreError/streamNotContiguous(eventID:)`` (only with an expectation other
    ///   than `.any`); otherwise as the append of
    ///   one event: ``RuleViolation`` or `LedgerError`.
    @discardableResult
    public func append(_ events: [CareEvent], expecting expected: ExpectedVersion = .any) async throws -> [UInt64] {
        guard !events.isEmpty else { return [] }
        var batch = AppendBatch(expecting: expected)
        for event in events where !batch.add(event) {
            throw CareStoreError.streamNotContiguous(eventID: event.id)
        }
        return try await ledger.append(batch.appends).flatMap(\.positions)
    }
}
