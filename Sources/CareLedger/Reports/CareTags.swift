import Ledger

/// The type tags of the eight event types and their current schema versions, computed once
/// and kept in stored properties, so a fold compares a record's header tag with a constant in
/// a register, and checks its schema version without a dictionary look-up.
struct CareTags: Sendable {
    let organisationJoined = CareEventType.organisationJoined.tag
    let personRegistered = CareEventType.personRegistered.tag
    let problemReported = CareEventType.problemReported.tag
    let ideaAdvanced = CareEventType.ideaAdvanced.tag
    let solutionPresented = CareEventType.solutionPresented.tag
    let feedbackGiven = CareEventType.feedbackGiven.tag
    let courseCompleted = CareEventType.courseCompleted.tag
    let partnershipFormed = CareEventType.partnershipFormed.tag
    /// The catalog's current version of each type, in the order of ``CareEventType/allCases``.
    private let versions = CareEventType.allCases.map { EventCatalog.careWare.currentSchema(for: $0.name)?.version ?? 0 }

    /// Whether `record` is stored in its type's current schema version (a few compares).
    @inline(__always)
    func isCurrent(_ record: RecordView) -> Bool {
        let tag = record.typeTag
        let version = record.schemaVersion
        return switch tag {
        case organisationJoined: version == versions[0]
        case personRegistered: version == versions[1]
        case problemReported: version == versions[2]
        case ideaAdvanced: version == versions[3]
        case solutionPresented: version == versions[4]
        case feedbackGiven: version == versions[5]
        case courseCompleted: version == versions[6]
        case partnershipFormed: version == versions[7]
        default: false
        }
    }
}
