import Ledger

extension CareStore {
    /// Imports a JSON Lines file of events (see <doc:ImportingAndExporting>): all of it, or,
    /// if any line is bad, nothing.
    ///
    /// 1. **Validation.** The whole file is read once and every line checked — JSON and UTF-8,
    ///    the event's schema and stream, its id, and the rules, against the store's rule state
    ///    plus the file's own earlier lines. The first bad line throws ``ImportError`` and
    ///    nothing is stored.
    /// 2. **Commit.** The file is read again and its events appended in file order, in atomic
    ///    batches of at most ``ImportOptions/maximumBatchSize`` events; the ledger is flushed at
    ///    the end (see ``Ledger/Ledger/sync()``).
    ///
    /// Lines whose event id is already stored with the same content are no-ops. So a re-run is
    /// safe, and an import that was killed or failed in the commit pass — which leaves a prefix
    /// of whole batches in the store — is completed by running it again.
    ///
    /// Memory is bounded by the reader's chunk, one batch, and per distinct id and entity of
    /// the file a small entry, never the whole file.
    ///
    /// - Parameters:
    ///   - path: The file, one event per line, as ``CareEvent/line`` writes it.
    ///   - progress: Called after each committed batch. Throwing from it stops the import,
    ///     with the batches committed so far stored.
    /// - Throws: ``ImportError`` (naming the line, the event id and the problem);
    ///   `InterchangeIOError` when the file cannot be read; `CancellationError` when the task
    ///   is cancelled between batches; `LedgerError` from the store; what `progress` throws.
    @discardableResult
    public func importEvents(
        fromFile path: String, options: ImportOptions = ImportOptions(), progress: ((ImportProgress) throws -> Void)? = nil
    ) async throws -> ImportSummary {
        let clock = ContinuousClock()
        let started = clock.now
        try await ledger.write { [rules] scope in try rules.catchUp(in: scope) }
        let validation = try ImportValidation.run(try JSONLinesReader(path: path), store: self)
        let validated = clock.now
        var committer = ImportCommitter(store: self, maximumBatchSize: max(1, options.maximumBatchSize), progress: progress)
        let reader = try JSONLinesReader(path: path)
        while let line = try ImportLine.next(from: reader) {
            try Task.checkCancellation()
            try await committer.add(line)
        }
        try await committer.commit()
        try ledger.sync()
        return ImportSummary(
            lines: validation.lines, eventsStored: committer.eventsStored,
            eventsAlreadyStored: validation.lines - committer.eventsStored, batches: committer.batches,
            validationDuration: validated - started, commitDuration: clock.now - validated)
    }
}

/// The second pass of an import: gathers the file's events into batches that keep its order
/// and appends each batch atomically.
struct ImportCommitter {
    let store: CareStore
    let maximumBatchSize: Int
    let progress: ((ImportProgress) throws -> Void)?
    private(set) var batches = 0
    private(set) var eventsStored = 0
    private var batch = AppendBatch()
    private var lineNumbers: [Int] = []
    private var eventIDs: [String] = []

    init(store: CareStore, maximumBatchSize: Int, progress: ((ImportProgress) throws -> Void)?) {
        self.store = store
        self.maximumBatchSize = maximumBatchSize
        self.progress = progress
    }

    /// Adds the line's event to the batch, committing the batch first when the event does
    /// not fit in it.
    mutating func add(_ line: ImportLine) async throws {
        if batch.count == maximumBatchSize || !batch.add(line.event) {
            try await commit()
            _ = batch.add(line.event)
        }
        lineNumbers.append(line.number)
        eventIDs.append(line.event.id)
    }

    /// Appends the batch, if any, as one atomic append.
    mutating func commit() async throws {
        guard !batch.isEmpty else { return }
        let head = try store.ledger.head
        let results: [AppendResult]
        do {
            results = try await store.ledger.append(batch.appends)
        } catch {
            throw locate(error)
        }
        batches += 1
        eventsStored += results.reduce(0) { $0 + $1.positions.count { $0 > head } }
        let last = lineNumbers.last!
        batch.removeAll()
        lineNumbers.removeAll(keepingCapacity: true)
        eventIDs.removeAll(keepingCapacity: true)
        try progress?(ImportProgress(linesCommitted: last, batches: batches, eventsStored: eventsStored))
    }

    /// The error of a refused batch, tied to its line when it names an event (the store
    /// changed between the passes, or the file did).
    private func locate(_ error: any Error) -> any Error {
        switch error {
        case let violation as RuleViolation:
            guard let index = eventIDs.firstIndex(of: violation.eventID) else { return error }
            return ImportError(line: lineNumbers[index], eventID: violation.eventID, problem: .rule(violation))
        case LedgerError.eventIDConflict(let id, let position):
            guard let index = eventIDs.firstIndex(of: id) else { return error }
            return ImportError(line: lineNumbers[index], eventID: id, problem: .eventIDConflict(storedAt: position))
        default:
            return error
        }
    }
}
