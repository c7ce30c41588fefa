/// Why an import stopped: the line, the event id when the line has a readable one, and what
/// is wrong with it.
///
/// When the first pass finds a bad line, nothing of the file was stored. Like every error of
/// the domain, it names fields, rules, ids and positions, never the line's data or metadata.
public struct ImportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The line's number in the file, from 1.
    public var line: Int
    /// The event id of the line, when it has a valid one.
    public var eventID: String?
    /// What is wrong.
    public var problem: Problem

    /// What can be wrong with a line.
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        /// The line is not one JSON value in UTF-8.
        case syntax(JSONParseError)
        /// The line is JSON but not a valid event: a member or a field of `data` is missing,
        /// of the wrong kind, out of its vocabulary or range, or the stream is not the entity's.
        case data(EventDataError)
        /// The event breaks a rule, given the store and the file's earlier lines.
        case rule(RuleViolation)
        /// The event id is stored already, at `position`, with other content.
        case eventIDConflict(storedAt: UInt64)
        /// The event id appeared on an earlier line of the file with other content.
        case eventIDRepeated(firstLine: Int)
        /// The event breaks a limit of the ledger (its encoded size above the maximum event size).
        case ledgerLimit(String)

        public var description: String {
            switch self {
            case .syntax(let error): "\(error.reason) at column \(error.column)"
            case .data(let error): error.description
            case .rule(let violation): "breaks \(violation.rule.identifier) at \(violation.field)\(violation.subject.map { " (\"\($0)\")" } ?? ""): \(violation.rule.sentence)"
            case .eventIDConflict(let position): "the event id is stored at position \(position) with other content"
            case .eventIDRepeated(let line): "the event id is on line \(line) with other content"
            case .ledgerLimit(let reason): reason
            }
        }
    }

    /// Creates an error.
    public init(line: Int, eventID: String?, problem: Problem) {
        self.line = line
        self.eventID = eventID
        self.problem = problem
    }

    /// A stable identifier of the problem: `invalid-utf8` or `json-syntax`; the
    /// ``EventDataError/Problem/identifier`` of a data error; the ``Rule/identifier`` of a broken
    /// rule; `event-id-conflict` for an id stored or repeated with other content.
    public var identifier: String {
        switch problem {
        case .syntax(let error): error.reason == .invalidUTF8 ? "invalid-utf8" : "json-syntax"
        case .data(let error): error.problem.identifier
        case .rule(let violation): violation.rule.identifier
        case .eventIDConflict, .eventIDRepeated: "event-id-conflict"
        case .ledgerLimit: "event-too-large"
        }
    }

    /// The field at fault (`data.org`, `at`, `stream`), or `id` for an id conflict; `nil` for
    /// a syntax error.
    public var field: String? {
        switch problem {
        case .syntax: nil
        case .data(let error): error.field
        case .rule(let violation): violation.field
        case .eventIDConflict, .eventIDRepeated: "id"
        case .ledgerLimit: nil
        }
    }

    /// E.g. `line 7 (event "ev-7"): breaks organisation-not-joined at data.org ("o9"): …`.
    public var description: String {
        let event = eventID.map { " (event \"\($0)\")" } ?? ""
        return "line \(line)\(event): \(problem)"
    }
}
