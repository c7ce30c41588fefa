/// What the rules read of one event: its entity and the ids and codes its rules depend on,
/// borrowed from the payload (current schema version, see <doc:EventPayloads>).
///
/// Decoding reads the payload with a ``PayloadReader`` and skips texts; it allocates only the
/// arrays of the list fields.
enum RuleInput {
    typealias ID = UnsafeRawBufferPointer

    case organisationJoined(org: ID, kind: OrganisationKind, country: Country)
    case personRegistered(person: ID, org: ID, role: PersonRole)
    case problemReported(challenge: ID, org: ID)
    case ideaAdvanced(challenge: ID, stage: Stage)
    case solutionPresented(solution: ID, company: ID, to: [ID], challenge: ID?)
    case feedbackGiven(solution: ID, org: ID)
    case courseCompleted(course: ID, participants: [ID], companies: [ID])
    case partnershipFormed(partnership: ID, company: ID, orgs: [ID], challenge: ID?)

    /// Reads the payload of an event of `type`; the bytes must outlive the input.
    ///
    /// - Throws: ``PayloadReader/Truncated`` when the payload does not decode.
    init(_ type: CareEventType, payload: UnsafeRawBufferPointer) throws(PayloadReader.Truncated) {
        var reader = PayloadReader(payload)
        switch type {
        case .organisationJoined:
            let org = try reader.readIdentifier()
            self = .organisationJoined(org: org, kind: try reader.readChoice(), country: try reader.readChoice())
            try reader.skipText()
        case .personRegistered:
            self = .personRegistered(person: try reader.readIdentifier(), org: try reader.readIdentifier(), role: try reader.readChoice())
        case .problemReported:
            self = .problemReported(challenge: try reader.readIdentifier(), org: try reader.readIdentifier())
            try reader.skipText()
            try reader.skipText()
        case .ideaAdvanced:
            self = .ideaAdvanced(challenge: try reader.readIdentifier(), stage: try reader.readChoice())
        case .solutionPresented:
            let solution = try reader.readIdentifier()
            let company = try reader.readIdentifier()
            let to = try reader.readIdentifiers()
            let challenge = try reader.readPresence() ? try reader.readIdentifier() : nil
            try reader.skipText()
            self = .solutionPresented(solution: solution, company: company, to: to, challenge: challenge)
        case .feedbackGiven:
            self = .feedbackGiven(solution: try reader.readIdentifier(), org: try reader.readIdentifier())
            _ = try reader.readInteger()
        case .courseCompleted:
            let course = try reader.readIdentifier()
            _ = try reader.readCode()
            let participants = try reader.readIdentifiers()
            let companies = try reader.readIdentifiers()
            try reader.skipText()
            self = .courseCompleted(course: course, participants: participants, companies: companies)
        case .partnershipFormed:
            let partnership = try reader.readIdentifier()
            _ = try reader.readCode()
            let company = try reader.readIdentifier()
            let orgs = try reader.readIdentifiers()
            let challenge = try reader.readPresence() ? try reader.readIdentifier() : nil
            self = .partnershipFormed(partnership: partnership, company: company, orgs: orgs, challenge: challenge)
        }
        guard reader.isAtEnd else { throw PayloadReader.Truncated() }
    }

    /// The id of the entity the event is about (its schema's key field, the payload's first field).
    var entity: ID {
        switch self {
        case .organisationJoined(let id, _, _), .personRegistered(let id, _, _), .problemReported(let id, _),
             .ideaAdvanced(let id, _), .solutionPresented(let id, _, _, _), .feedbackGiven(let id, _),
             .courseCompleted(let id, _, _), .partnershipFormed(let id, _, _, _):
            id
        }
    }
}

extension PayloadReader {
    /// Reads a choice code as a case of its vocabulary.
    mutating func readChoice<Vocabulary: CaseIterable & RawRepresentable>() throws(Truncated) -> Vocabulary
    where Vocabulary.RawValue == String, Vocabulary.AllCases == [Vocabulary] {
        guard let value = Vocabulary(code: try readCode()) else { throw Truncated() }
        return value
    }

    /// Reads an identifier list, borrowing each id.
    mutating func readIdentifiers() throws(Truncated) -> [UnsafeRawBufferPointer] {
        let count = try readCount()
        var ids: [UnsafeRawBufferPointer] = []
        ids.reserveCapacity(count)
        for _ in 0 ..< count { ids.append(try readIdentifier()) }
        return ids
    }
}
