/// The rules of domain.md, checked against a rule state and then applied to it.
///
/// Checking an event costs one key look-up per entity it names (a course names every
/// participant and company). ``admit(_:into:)`` checks everything before it changes anything,
/// so a refused event leaves the state as it was.
///
/// State values: an organisation's is `[kind code, country code]`, a person's
/// `[role code] + organisation id`, a challenge's `[stage code]`; a solution, course or
/// partnership is `[1]` (it exists).
enum RuleBook {
    /// Checks `input` against `state` and, if no rule is broken, records its effect there.
    ///
    /// - Throws: ``RuleBreach`` for the first broken rule; what the state's storage throws.
    static func admit(_ input: RuleInput, into state: inout some RuleStateStorage) throws {
        try check(input, in: state)
        try apply(input, to: &state)
    }

    /// Records the effect of an event that is already stored, without checking it (an append
    /// made without the rules hook, see ``RulesHook``).
    static func apply(_ input: RuleInput, to state: inout some RuleStateStorage) throws {
        switch input {
        case .organisationJoined(let org, let kind, let country):
            try state.set([kind.code, country.code], for: RuleStateKey.organisation(org))
        case .personRegistered(let person, let org, let role):
            try state.set([role.code] + org, for: RuleStateKey.person(person))
        case .problemReported(let challenge, _):
            try state.set([Stage.reported.code], for: RuleStateKey.challenge(challenge))
        case .ideaAdvanced(let challenge, let stage):
            try state.set([stage.code], for: RuleStateKey.challenge(challenge))
        case .solutionPresented(let solution, _, _, _):
            try state.set([1], for: RuleStateKey.solution(solution))
        case .feedbackGiven:
            break
        case .courseCompleted(let course, _, _):
            try state.set([1], for: RuleStateKey.course(course))
        case .partnershipFormed(let partnership, _, _, _):
            try state.set([1], for: RuleStateKey.partnership(partnership))
        }
    }

    /// Throws the first rule `input` breaks in `state`.
    static func check(_ input: RuleInput, in state: some RuleStateStorage) throws {
        switch input {
        case .organisationJoined(let org, _, _):
            if try state.contains(RuleStateKey.organisation(org)) {
                throw RuleBreach(.organisationAlreadyJoined, "data.org", subject: org)
            }
        case .personRegistered(let person, let org, _):
            if try state.contains(RuleStateKey.person(person)) { throw RuleBreach(.personAlreadyRegistered, "data.person") }
            _ = try organisation(org, field: "data.org", in: state)
        case .problemReported(let challenge, let org):
            if try state.contains(RuleStateKey.challenge(challenge)) {
                throw RuleBreach(.challengeAlreadyReported, "data.challenge", subject: challenge)
            }
            try requirePublicCareProvider(org, field: "data.org", in: state)
        case .ideaAdvanced(let challenge, let stage):
            guard let stored = try state.value(for: RuleStateKey.challenge(challenge)), let current = stored.first.flatMap(Stage.init(code:)) else {
                throw RuleBreach(.challengeNotReported, "data.challenge", subject: challenge)
            }
            if current.isFinal { throw RuleBreach(.challengeFinished, "data.challenge", subject: challenge) }
            if stage != .dropped, stage <= current { throw RuleBreach(.stageNotLater, "data.stage", subject: challenge) }
        case .solutionPresented(let solution, let company, let to, let challenge):
            if try state.contains(RuleStateKey.solution(solution)) {
                throw RuleBreach(.solutionAlreadyPresented, "data.solution", subject: solution)
            }
            try requireCompany(company, field: "data.company", in: state)
            try requirePublicCareProviders(to, field: "data.to", in: state)
            try requireChallenge(challenge, in: state)
        case .feedbackGiven(let solution, let org):
            guard try state.contains(RuleStateKey.solution(solution)) else {
                throw RuleBreach(.solutionNotPresented, "data.solution", subject: solution)
            }
            try requirePublicCareProvider(org, field: "data.org", in: state)
        case .courseCompleted(let course, let participants, let companies):
            if try state.contains(RuleStateKey.course(course)) { throw RuleBreach(.courseAlreadyCompleted, "data.course") }
            for (index, person) in participants.enumerated() where try !state.contains(RuleStateKey.person(person)) {
                throw RuleBreach(.personNotRegistered, "data.participants[\(index)]")
            }
            for (index, company) in companies.enumerated() {
                try requireCompany(company, field: "data.companies[\(index)]", in: state)
            }
        case .partnershipFormed(let partnership, let company, let orgs, let challenge):
            if try state.contains(RuleStateKey.partnership(partnership)) {
                throw RuleBreach(.partnershipAlreadyFormed, "data.partnership")
            }
            try requireCompany(company, field: "data.company", in: state)
            try requirePublicCareProviders(orgs, field: "data.orgs", in: state)
            try requireChallenge(challenge, in: state)
        }
    }

    /// The kind of a joined organisation.
    private static func organisation(_ org: RuleInput.ID, field: String, in state: some RuleStateStorage) throws -> OrganisationKind {
        guard let stored = try state.value(for: RuleStateKey.organisation(org)), let kind = stored.first.flatMap(OrganisationKind.init(code:)) else {
            throw RuleBreach(.organisationNotJoined, field, subject: org)
        }
        return kind
    }

    private static func requirePublicCareProvider(_ org: RuleInput.ID, field: String, in state: some RuleStateStorage) throws {
        guard try organisation(org, field: field, in: state).isPublicCareProvider else {
            throw RuleBreach(.organisationNotPublicCareProvider, field, subject: org)
        }
    }

    private static func requirePublicCareProviders(_ orgs: [RuleInput.ID], field: String, in state: some RuleStateStorage) throws {
        if orgs.isEmpty { throw RuleBreach(.organisationListEmpty, field) }
        for (index, org) in orgs.enumerated() {
            try requirePublicCareProvider(org, field: "\(field)[\(index)]", in: state)
        }
    }

    private static func requireCompany(_ org: RuleInput.ID, field: String, in state: some RuleStateStorage) throws {
        guard try organisation(org, field: field, in: state) == .company else {
            throw RuleBreach(.organisationNotCompany, field, subject: org)
        }
    }

    private static func requireChallenge(_ challenge: RuleInput.ID?, in state: some RuleStateStorage) throws {
        guard let challenge else { return }
        guard try state.contains(RuleStateKey.challenge(challenge)) else {
            throw RuleBreach(.challengeNotReported, "data.challenge", subject: challenge)
        }
    }
}

/// A broken rule, before it is tied to an event id (see ``RuleViolation``).
struct RuleBreach: Error {
    var rule: Rule
    var field: String
    var subject: String?

    init(_ rule: Rule, _ field: String, subject: UnsafeRawBufferPointer? = nil) {
        self.rule = rule
        self.field = field
        self.subject = subject.map { String(decoding: $0, as: UTF8.self) }
    }

    func violation(eventID: String) -> RuleViolation {
        RuleViolation(rule: rule, eventID: eventID, field: field, subject: subject)
    }
}

extension CaseIterable where Self: Equatable, AllCases == [Self] {
    /// The payload code of a vocabulary case: its position in `allCases`.
    var code: UInt8 { UInt8(Self.allCases.firstIndex(of: self)!) }
}
