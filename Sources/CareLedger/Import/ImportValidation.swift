import Ledger

/// The first pass of an import: reads the whole file and checks every line — JSON, UTF-8,
/// the event's schema, its id against the store and the file's earlier lines, and the rules
/// against the store's rule state with the file's own earlier events over it — storing
/// nothing.
///
/// Memory: the reader's chunk and line, one entry per distinct event id of the file (to tell a
/// repeated line from a conflicting one), and one per entity the file creates or changes
/// (``RuleStateOverlay``). The events themselves are not kept.
struct ImportValidation {
    /// Lines read.
    private(set) var lines = 0
    /// Lines whose event is stored already, or repeats an earlier line: no-ops.
    private(set) var alreadyStored = 0

    private var overlay: RuleStateOverlay
    private var firstLines: [String: (content: Int, line: Int)] = [:]
    private let ledger: Ledger

    /// Validates every line of `reader` against the store's state as of one read snapshot.
    ///
    /// - Throws: ``ImportError`` for the first bad line; `InterchangeIOError` when the file
    ///   cannot be read; `LedgerError` when the store cannot.
    static func run(_ reader: JSONLinesReader, store: CareStore) throws -> ImportValidation {
        try store.ledger.read { scope in
            var validation = ImportValidation(overlay: RuleStateOverlay(base: scope, table: store.rules.table), ledger: store.ledger)
            while let line = try ImportLine.next(from: reader) {
                try validation.check(line.event, line: line.number)
            }
            return validation
        }
    }

    private init(overlay: RuleStateOverlay, ledger: Ledger) {
        self.overlay = overlay
        self.ledger = ledger
    }

    private mutating func check(_ event: CareEvent, line: Int) throws {
        lines += 1
        let content = event.hashValue
        if let first = firstLines[event.id] {
            guard first.content == content else {
                throw ImportError(line: line, eventID: event.id, problem: .eventIDRepeated(firstLine: first.line))
            }
            alreadyStored += 1
            return
        }
        firstLines[event.id] = (content, line)
        do {
            try ledger.check(event.newEvent, for: event.stream)
        } catch {
            let reason: String
            if case .invalidEvent(_, let text) = error { reason = text } else { reason = error.description }
            throw ImportError(line: line, eventID: event.id, problem: .ledgerLimit(reason))
        }
        if let stored = try ledger.event(withID: event.id) {
            guard event.hasSameContent(as: stored) else {
                throw ImportError(line: line, eventID: event.id, problem: .eventIDConflict(storedAt: stored.position))
            }
            alreadyStored += 1
            return
        }
        do {
            try event.payload.withUnsafeBytes { payload in
                try RuleBook.admit(try RuleInput(event.type, payload: payload), into: &overlay)
            }
        } catch let breach as RuleBreach {
            throw ImportError(line: line, eventID: event.id, problem: .rule(breach.violation(eventID: event.id)))
        }
    }
}

/// One line of an import file read as an event, or the ``ImportError`` that says why it is not one.
struct ImportLine {
    var number: Int
    var event: CareEvent

    /// The next line of `reader` as an event, or `nil` at the end of the file.
    ///
    /// - Throws: ``ImportError`` (`syntax` or `data`); `InterchangeIOError`.
    static func next(from reader: JSONLinesReader) throws -> ImportLine? {
        let line: JSONLine
        do {
            guard let next = try reader.next() else { return nil }
            line = next
        } catch let error as JSONParseError {
            throw ImportError(line: error.line, eventID: nil, problem: .syntax(error))
        }
        do {
            return ImportLine(number: line.number, event: try CareEvent(line: line.value))
        } catch {
            throw ImportError(line: line.number, eventID: eventID(of: line.value), problem: .data(error))
        }
    }

    /// The line's `id` when it is a valid event id.
    private static func eventID(of value: JSONValue) -> String? {
        guard case .string(let id)? = value["id"], (try? CareEvent.validateEventID(id)) != nil else { return nil }
        return id
    }
}

extension CareEvent {
    /// Whether `stored` is this event as the ledger compares it: the same stream, type, schema
    /// version, time, metadata and payload, strings compared by their UTF-8 bytes.
    func hasSameContent(as stored: RecordedEvent) -> Bool {
        func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
        let mine = metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        let theirs = stored.metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        return same(stored.stream, stream) && same(stored.type, type.name) && stored.schemaVersion == type.schema.version
            && stored.occurredAt == occurredAt && stored.payload == payload
            && mine.count == theirs.count && zip(mine, theirs).allSatisfy { same($0.key, $1.key) && same($0.value, $1.value) }
    }
}
