extension Ledger {
    /// Appends `events` to `stream`, atomically, if the stream is in the `expected` state.
    ///
    /// ```swift
    /// let result = try await ledger.append(events, to: "challenge-c7", expecting: .exact(3))
    /// ```
    ///
    /// Events whose id is already stored with the same content are not stored again: they keep
    /// their original positions, and an append of only such events succeeds whatever the
    /// stream's version (it is a retry of an append that succeeded). An append of no events
    /// stores nothing but still checks `expected`. Under the default
    /// ``Durability/full`` the events are on disk when this returns. Appends from concurrent
    /// tasks share one commit and one disk flush.
    ///
    /// Cost: the events are checked and sized in the calling task; the writer then encodes
    /// each one into its log entry and does two B-tree writes (log, id index; in a store of
    /// format 1 also the stream index) and one SHA-256 per event, one write per stream (plus
    /// one per 32 events of it), and two meta writes and one commit per group of appends. Under
    /// ``Durability/deferred``, an append that finds the writer idle is written on the calling
    /// task's thread (no hand-off).
    ///
    /// - Returns: each event's position and the stream's new version.
    /// - Throws: ``LedgerError/wrongExpectedVersion(stream:expected:actual:)``,
    ///   ``LedgerError/eventIDConflict(id:position:)``, ``LedgerError/invalidEvent(index:reason:)``,
    ///   ``LedgerError/invalidStream(reason:)``, ``LedgerError/corruptRecord(position:reason:)``
    ///   (a stored event with the same id cannot be read), ``LedgerError/closed``,
    ///   ``LedgerError/storage(_:)`` (which fails every append of the same group commit), or
    ///   what an ``AppendHook`` throws. On any error nothing of the append is stored.
    @discardableResult
    public func append(
        _ events: [NewEvent], to stream: String, expecting expected: ExpectedVersion = .any
    ) async throws -> AppendResult {
        try await append([StreamAppend(events, to: stream, expecting: expected)])[0]
    }

    /// Appends to several streams in one atomic step: either every stream's events are stored
    /// or, if any stream's expectation or any event fails, none are.
    ///
    /// Events are stored in the order of the entries, so an import can keep its file's order:
    /// a stream may appear in several entries, and each entry's expectation is checked against
    /// the stream as the entries before it leave it.
    ///
    /// - Parameter appends: the entries, in the order their events are to be stored.
    /// - Returns: one result per entry, in order.
    /// - Throws: as ``append(_:to:expecting:)``; ``LedgerError/invalidEvent(index:reason:)``
    ///   counts events across all entries.
    @discardableResult
    public func append(_ appends: [StreamAppend]) async throws -> [AppendResult] {
        var encoded = try EncodedAppend(appends, limits: configuration.limits, format: layout.recordFormat)
        guard encoded.eventCount >= ChainHasher.minimumRecords else { return try await writer.submit(encoded) }
        // Large appends are encoded here, and hashed on the writer's side by a second thread.
        let records = writer.recordBytes.take(count: encoded.byteCount)
        defer { writer.recordBytes.giveBack(records) }
        encoded.encodeRecords(into: records)
        return try await writer.submit(encoded)
    }

    /// Checks `event` as an append to `stream` would — stream name, id, type and metadata
    /// limits, and the encoded size against ``LedgerLimits/maximumEventSize`` — without
    /// storing anything. An import uses it to refuse a file before its first batch.
    ///
    /// Cost: checks and sizes the event, with a few small allocations; nothing is encoded.
    /// - Throws: ``LedgerError/invalidStream(reason:)`` or ``LedgerError/invalidEvent(index:reason:)``.
    public func check(_ event: NewEvent, for stream: String) throws(LedgerError) {
        _ = try EncodedAppend([StreamAppend([event], to: stream)], limits: configuration.limits, format: layout.recordFormat)
    }
}
