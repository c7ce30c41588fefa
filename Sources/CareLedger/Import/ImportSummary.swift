/// How an import commits.
public struct ImportOptions: Sendable, Hashable {
    /// The most events per atomic append (one commit). A batch also ends where an event's
    /// stream is in it already but not last, so that the log keeps the file's order (see
    /// <doc:ImportingAndExporting>). Default 4,096.
    public var maximumBatchSize = 4_096

    /// The default options.
    public init() {}
}

/// How far an import has committed: passed to the progress callback after each batch.
public struct ImportProgress: Sendable, Hashable {
    /// The number of the last line committed; every line up to it is in the store.
    public var linesCommitted: Int
    /// The batches committed so far.
    public var batches: Int
    /// The events stored so far (not counting those already in the store).
    public var eventsStored: Int
}

/// What an import did.
public struct ImportSummary: Sendable, Hashable {
    /// The lines of the file.
    public var lines: Int
    /// The events stored by this import.
    public var eventsStored: Int
    /// The lines whose event was already stored with the same content (a re-run, or an id
    /// repeated within the file): no-ops.
    public var eventsAlreadyStored: Int
    /// The atomic appends (commits) made.
    public var batches: Int
    /// The time the first pass (validation) took.
    public var validationDuration: Duration
    /// The time the second pass (commits, and the final flush) took.
    public var commitDuration: Duration

    /// The mean number of events per batch.
    public var meanBatchSize: Double { batches == 0 ? 0 : Double(lines) / Double(batches) }
}

/// What an export did.
public struct ExportSummary: Sendable, Hashable {
    /// The events written, one line each.
    public var events: Int
    /// The position of the last event written; 0 when none.
    public var lastPosition: UInt64
}
