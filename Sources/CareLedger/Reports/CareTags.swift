import Ledger

/// The type tags of the eight event types, computed once and kept in stored properties, so a
/// fold compares a record's header tag with a constant in a register.
struct CareTags: Sendable {
    let organisationJoined = CareEventType.organisationJoined.tag
    let personRegistered = CareEventType.personRegistered.tag
    let problemReported = CareEventType.problemReported.tag
    let ideaAdvanced = CareEventType.ideaAdvanced.tag
    let solutionPresented = CareEventType.solutionPresented.tag
    let feedbackGiven = CareEventType.feedbackGiven.tag
    let courseCompleted = CareEventType.courseCompleted.tag
    let partnershipFormed = CareEventType.partnershipFormed.tag
}
