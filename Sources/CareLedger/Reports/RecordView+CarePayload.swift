import Ledger

extension RecordView {
    /// Calls `body` with a ``PayloadReader`` over the record's payload in its type's current
    /// schema version — in place for a current record (checked against `tags`, no look-up),
    /// else upcast by ``EventCatalog/withCurrentPayload(of:_:)``: the one way the reports read
    /// payloads.
    ///
    /// - Throws: ``ReportFoldError`` naming `report`, the position and the type when the payload
    ///   is shorter than its schema says; what the catalog throws for an unknown version.
    /// Calls `body` with a reader over the payload when it is of the current schema version,
    /// for a projection's ``Projection/prefetch(_:in:)`` (a hint: older versions and payloads
    /// too short are skipped silently; ``readCarePayload(for:tags:_:)`` reports them).
    @inline(__always)
    func hintCarePayload(tags: CareTags, _ body: (inout PayloadReader) throws(PayloadReader.Truncated) -> Void) {
        guard tags.isCurrent(self) else { return }
        var payload = PayloadReader(payload)
        try? body(&payload)
    }

    @inline(__always)
    func readCarePayload(for report: String, tags: CareTags, _ body: (inout PayloadReader) throws(PayloadReader.Truncated) -> Void) throws {
        do {
            if tags.isCurrent(self) {
                var payload = PayloadReader(payload)
                try body(&payload)
            } else {
                try EventCatalog.careWare.withCurrentPayload(of: self) { bytes in
                    var payload = PayloadReader(bytes)
                    try body(&payload)
                }
            }
        } catch is PayloadReader.Truncated {
            throw ReportFoldError(report: report, position: position, eventType: type)
        }
    }
}
