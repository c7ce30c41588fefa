import Ledger

extension CareStore {
    /// Writes the log, in order from `position`, as JSON Lines to a file: one
    /// ``CareEvent/line`` per event (`id`, `stream`, `type`, `at`, `data`, `meta`), upcast to
    /// the current schema versions.
    ///
    /// The export reads one snapshot of the log, so events appended meanwhile are not in it,
    /// and holds one event at a time in memory. Importing the file into an empty store
    /// reproduces the log's events in the same order.
    ///
    /// - Parameters:
    ///   - mode: Whether to create the file (the default: an existing file is an error),
    ///     truncate it, or append to it. A file it creates is readable by its owner only.
    /// - Throws: `InterchangeIOError` when the file cannot be written;
    ///   ``CareStoreError/unreadableRecord(position:problem:)``; `LedgerError` from the store.
    @discardableResult
    public func exportEvents(
        toFile path: String, from position: UInt64 = 1, mode: JSONLinesWriter.Mode = .createNew
    ) throws -> ExportSummary {
        let writer = try JSONLinesWriter(path: path, mode: mode)
        let summary = try exportEvents(to: writer, from: position)
        try writer.close()
        return summary
    }

    /// Writes the log, in order from `position`, to `writer` (a file, a pipe, standard output),
    /// and flushes it; see ``exportEvents(toFile:from:mode:)``.
    @discardableResult
    public func exportEvents(to writer: JSONLinesWriter, from position: UInt64 = 1) throws -> ExportSummary {
        var summary = ExportSummary(events: 0, lastPosition: 0)
        try ledger.forEachRecord(from: position) { record in
            let event: CareEvent
            do {
                event = try CareEvent(record: record)
            } catch let error as EventDataError {
                throw CareStoreError.unreadableRecord(position: record.position, problem: error)
            }
            try writer.write(event.line)
            summary.events += 1
            summary.lastPosition = record.position
            return true
        }
        try writer.flush()
        return summary
    }
}
