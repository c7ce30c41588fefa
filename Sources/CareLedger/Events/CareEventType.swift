public import Ledger

/// The event types of the CareWare domain, version 1 (see <doc:TheDomain>).
///
/// Each type's current ``schema`` fixes its stream category, its fields and their order in a
/// stored payload; ``tag`` is the 64-bit tag in each record's header, which projections test
/// before reading anything else.
public enum CareEventType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case organisationJoined = "OrganisationJoined"
    case personRegistered = "PersonRegistered"
    case problemReported = "ProblemReported"
    case ideaAdvanced = "IdeaAdvanced"
    case solutionPresented = "SolutionPresented"
    case feedbackGiven = "FeedbackGiven"
    case courseCompleted = "CourseCompleted"
    case partnershipFormed = "PartnershipFormed"

    /// The type's name, as in JSON and in the record header.
    public var name: String { rawValue }

    /// The type's name.
    public var description: String { rawValue }

    /// The type tag stored in each record's header (FNV-1a of the name).
    public var tag: EventTypeTag { CareEventType.tags[index] }

    /// The type whose record header carries `tag`, or `nil` for another type.
    @inlinable
    public init?(tag: EventTypeTag) {
        guard let index = CareEventType.tags.firstIndex(of: tag) else { return nil }
        self = CareEventType.allCases[index]
    }

    /// The type's current (version 1) schema.
    public var schema: EventSchema { CareEventType.schemas[index] }

    /// The type named `name`, or `nil`.
    public init?(name: String) { self.init(rawValue: name) }

    @usableFromInline
    var index: Int { CareEventType.allCases.firstIndex(of: self)! }

    @usableFromInline
    static let tags: [EventTypeTag] = allCases.map { EventTypeTag($0.rawValue) }

    private static let schemas: [EventSchema] = allCases.map(\.versionOneSchema)

    /// The schemas of domain.md, version 1.
    private var versionOneSchema: EventSchema {
        switch self {
        case .organisationJoined:
            EventSchema(type: name, version: 1, category: "org", keyField: "org", fields: [
                .required("org", .identifier), .required("kind", OrganisationKind.choice),
                .required("country", Country.choice), .required("name", .text),
            ])
        case .personRegistered:
            EventSchema(type: name, version: 1, category: "person", keyField: "person", fields: [
                .required("person", .identifier), .required("org", .identifier),
                .required("role", PersonRole.choice),
            ])
        case .problemReported:
            EventSchema(type: name, version: 1, category: "challenge", keyField: "challenge", fields: [
                .required("challenge", .identifier), .required("org", .identifier),
                .required("title", .text), .required("area", .text),
            ])
        case .ideaAdvanced:
            EventSchema(type: name, version: 1, category: "challenge", keyField: "challenge", fields: [
                .required("challenge", .identifier), .required("stage", Stage.choice),
            ])
        case .solutionPresented:
            EventSchema(type: name, version: 1, category: "solution", keyField: "solution", fields: [
                .required("solution", .identifier), .required("company", .identifier),
                .required("to", .identifiers), .optional("challenge", .identifier), .required("title", .text),
            ])
        case .feedbackGiven:
            EventSchema(type: name, version: 1, category: "solution", keyField: "solution", fields: [
                .required("solution", .identifier), .required("org", .identifier),
                .required("score", .integer(1 ... 5)),
            ])
        case .courseCompleted:
            EventSchema(type: name, version: 1, category: "course", keyField: "course", fields: [
                .required("course", .identifier), .required("kind", CourseKind.choice),
                .required("participants", .identifiers), .required("companies", .identifiers),
                .required("title", .text),
            ])
        case .partnershipFormed:
            EventSchema(type: name, version: 1, category: "partnership", keyField: "partnership", fields: [
                .required("partnership", .identifier), .required("kind", PartnershipKind.choice),
                .required("company", .identifier), .required("orgs", .identifiers),
                .optional("challenge", .identifier),
            ])
        }
    }
}
