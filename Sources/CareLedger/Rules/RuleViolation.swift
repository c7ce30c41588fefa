/// An event that breaks one of the domain's rules (see <doc:TheDomain>): it was refused and
/// nothing of its append was stored.
///
/// The error names the rule by a stable ``Rule/identifier``, the event by its id, and the
/// field that breaks the rule. It may name the organisation, challenge or solution involved
/// (``subject``), never a person id, a title, a name, an area or a metadata value: errors end
/// up in logs and terminals, and those may be personal data.
///
/// ```swift
/// do {
///     try await store.append([event])
/// } catch let violation as RuleViolation where violation.rule == .organisationNotJoined {
///     // register the organisation first
/// }
/// ```
public struct RuleViolation: Error, Sendable, Hashable, CustomStringConvertible {
    /// The broken rule.
    public var rule: Rule
    /// The id of the refused event.
    public var eventID: String
    /// The field that breaks the rule, as a path: `data.org`, `data.to[2]`, `stream`, `type`.
    public var field: String
    /// The organisation, challenge or solution id the rule is about, when it is not a person.
    public var subject: String?

    /// Creates a violation.
    public init(rule: Rule, eventID: String, field: String, subject: String? = nil) {
        self.rule = rule
        self.eventID = eventID
        self.field = field
        self.subject = subject
    }

    /// The rule, the event id, the field and the rule's sentence, e.g.
    /// `event "ev-9" breaks organisation-not-joined at data.org ("o7"): a named organisation must have joined`.
    public var description: String {
        let about = subject.map { " (\"\($0)\")" } ?? ""
        return "event \"\(eventID)\" breaks \(rule.identifier) at \(field)\(about): \(rule.sentence)"
    }
}

/// The rules of the domain, each with a stable identifier for programs and a sentence for people.
public enum Rule: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case organisationAlreadyJoined = "organisation-already-joined"
    case personAlreadyRegistered = "person-already-registered"
    case challengeAlreadyReported = "challenge-already-reported"
    case solutionAlreadyPresented = "solution-already-presented"
    case courseAlreadyCompleted = "course-already-completed"
    case partnershipAlreadyFormed = "partnership-already-formed"
    case organisationNotJoined = "organisation-not-joined"
    case organisationNotPublicCareProvider = "organisation-not-public-care-provider"
    case organisationNotCompany = "organisation-not-company"
    case organisationListEmpty = "organisation-list-empty"
    case personNotRegistered = "person-not-registered"
    case challengeNotReported = "challenge-not-reported"
    case challengeFinished = "challenge-finished"
    case stageNotLater = "stage-not-later"
    case solutionNotPresented = "solution-not-presented"
    case streamNotEntity = "stream-not-entity"
    case eventTypeNotInDomain = "event-type-not-in-domain"
    case payloadUnreadable = "payload-unreadable"

    /// The stable identifier, e.g. `organisation-not-joined`.
    public var identifier: String { rawValue }

    /// The identifier.
    public var description: String { rawValue }

    /// The rule in one sentence.
    public var sentence: String {
        switch self {
        case .organisationAlreadyJoined: "an organisation joins once"
        case .personAlreadyRegistered: "a person is registered once"
        case .challengeAlreadyReported: "a challenge is reported once"
        case .solutionAlreadyPresented: "a solution is presented once"
        case .courseAlreadyCompleted: "a course is completed once"
        case .partnershipAlreadyFormed: "a partnership is formed once"
        case .organisationNotJoined: "a named organisation must have joined"
        case .organisationNotPublicCareProvider: "the organisation must be a municipality or a region"
        case .organisationNotCompany: "the organisation must be of kind company"
        case .organisationListEmpty: "the list must name at least one municipality or region"
        case .personNotRegistered: "every participant must be a registered person"
        case .challengeNotReported: "a named challenge must have been reported"
        case .challengeFinished: "a challenge that is implemented or dropped does not advance"
        case .stageNotLater: "a challenge advances to a strictly later stage, or is dropped"
        case .solutionNotPresented: "feedback is given on a presented solution"
        case .streamNotEntity: "an event belongs to the stream of its entity, <category>-<id>"
        case .eventTypeNotInDomain: "the store holds only the domain's event types, in a known schema version"
        case .payloadUnreadable: "the payload must decode with its type's schema"
        }
    }
}
