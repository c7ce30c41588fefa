/// One method per event type: each returns `nil` when the history so far cannot yet support
/// the event (no company to present a solution, no open challenge to advance), so the caller
/// chooses again.
extension HistoryWorld {
    mutating func joinOrganisation(id: String) -> CareEvent {
        let number = organisationKinds.count
        let kind: OrganisationKind
        let country: Country
        if number < 12 {
            kind = OrganisationKind.allCases[number % OrganisationKind.allCases.count]
            country = Country.allCases[number % Country.allCases.count]
        } else {
            kind = random.pick(GeneratorVocabulary.organisationKindMix)
            country = random.pick(Country.allCases)
        }
        let at = time(after: 0)
        organisationKinds.append(kind)
        organisationTimes.append(at)
        if kind.isPublicCareProvider { publicCareProviders.append(number) }
        if kind == .company { companies.append(number) }
        let org = "o\(number)"
        return event(id, .organisationJoined, at: at, actor: "admin@careware", [
            "org": .string(org), "name": .string(GeneratorVocabulary.name(of: kind, in: country, number: number, random: &random)),
            "kind": .string(kind.rawValue), "country": .string(country.rawValue),
        ])
    }

    mutating func registerPerson(id: String) -> CareEvent? {
        guard !organisationKinds.isEmpty else { return nil }
        let org = random.below(organisationKinds.count)
        let role: PersonRole = switch organisationKinds[org] {
        case .municipality, .region: random.chance(90) ? .staff : .student
        case .company: .company
        case .academia: random.chance(70) ? .student : .staff
        case .cluster, .association: random.pick(PersonRole.allCases)
        }
        let number = personRoles.count
        let at = time(after: organisationTimes[org])
        personRoles.append(role)
        personTimes.append(at)
        if role == .staff { staff.append(number) }
        return event(id, .personRegistered, at: at, actor: actor(of: org), [
            "person": .string("p\(number)"), "org": .string("o\(org)"), "role": .string(role.rawValue),
        ])
    }

    mutating func reportProblem(id: String) -> CareEvent? {
        guard !publicCareProviders.isEmpty else { return nil }
        let org = random.pick(publicCareProviders)
        let number = challengeStages.count
        let at = time(after: organisationTimes[org])
        challengeStages.append(.reported)
        challengeReportedAt.append(at)
        challengeTimes.append(at)
        openSlot.append(openChallenges.count)
        openChallenges.append(number)
        return event(id, .problemReported, at: at, actor: actor(of: org), [
            "challenge": .string("c\(number)"), "title": .string(random.pick(GeneratorVocabulary.problemTitles)),
            "org": .string("o\(org)"), "area": .string(random.pick(GeneratorVocabulary.areas)),
        ])
    }

    mutating func advanceIdea(id: String) -> CareEvent? {
        guard !openChallenges.isEmpty else { return nil }
        let challenge = random.pick(openChallenges)
        let current = Int(challengeStages[challenge].code)
        let stage: Stage
        if random.chance(12) {
            stage = .dropped
        } else {
            let step = random.chance(75) ? 1 : random.chance(80) ? 2 : 3
            stage = Stage.progression[min(current + step, Stage.progression.count - 1)]
        }
        let at = time(after: challengeTimes[challenge])
        challengeStages[challenge] = stage
        challengeTimes[challenge] = at
        if stage.isFinal { closeChallenge(challenge) }
        return event(id, .ideaAdvanced, at: at, actor: "method@careware", [
            "challenge": .string("c\(challenge)"), "stage": .string(stage.rawValue),
        ])
    }

    mutating func presentSolution(id: String) -> CareEvent? {
        guard !companies.isEmpty, !publicCareProviders.isEmpty else { return nil }
        let company = random.pick(companies)
        let to = distinct(1 + random.below(3), from: publicCareProviders)
        let challenge = !challengeStages.isEmpty && random.chance(40) ? random.below(challengeStages.count) : nil
        let earliest = ([organisationTimes[company]] + to.map { organisationTimes[$0] } + [challenge.map { challengeReportedAt[$0] } ?? 0]).max()!
        let number = solutionTimes.count
        let at = time(after: earliest)
        solutionTimes.append(at)
        var data: JSONObject = [
            "solution": .string("s\(number)"), "company": .string("o\(company)"),
            "title": .string(random.pick(GeneratorVocabulary.solutionTitles)), "to": .array(to.map { .string("o\($0)") }),
        ]
        if let challenge { data["challenge"] = .string("c\(challenge)") }
        return event(id, .solutionPresented, at: at, actor: actor(of: company), data)
    }

    mutating func giveFeedback(id: String) -> CareEvent? {
        guard !solutionTimes.isEmpty, !publicCareProviders.isEmpty else { return nil }
        let solution = random.below(solutionTimes.count)
        let org = random.pick(publicCareProviders)
        let at = time(after: max(solutionTimes[solution], organisationTimes[org]))
        return event(id, .feedbackGiven, at: at, actor: actor(of: org), [
            "solution": .string("s\(solution)"), "org": .string("o\(org)"), "score": .integer(Int64(1 + random.below(5))),
        ])
    }

    mutating func completeCourse(id: String) -> CareEvent? {
        guard !personRoles.isEmpty else { return nil }
        let kind = random.pick(GeneratorVocabulary.courseKindMix)
        // Staff for a staff course, mostly; otherwise anyone registered (a range, not an array
        // of every person: that would cost an allocation as large as the world per course).
        let participants = kind == .staff && !staff.isEmpty && random.chance(80)
            ? distinct(1 + random.below(10), from: staff)
            : distinct(1 + random.below(10), from: 0 ..< personRoles.count)
        let listed = companies.isEmpty ? [] : distinct(kind == .company ? 1 + random.below(3) : random.below(2), from: companies)
        let earliest = (participants.map { personTimes[$0] } + listed.map { organisationTimes[$0] }).max() ?? 0
        let number = courses
        courses += 1
        return event(id, .courseCompleted, at: time(after: earliest), actor: "courses@careware", [
            "course": .string("k\(number)"), "kind": .string(kind.rawValue),
            "title": .string(random.pick(GeneratorVocabulary.courseTitles)),
            "participants": .array(participants.map { .string("p\($0)") }),
            "companies": .array(listed.map { .string("o\($0)") }),
        ])
    }

    mutating func formPartnership(id: String) -> CareEvent? {
        guard !companies.isEmpty, !publicCareProviders.isEmpty else { return nil }
        let company = random.pick(companies)
        let orgs = distinct(1 + random.below(3), from: publicCareProviders)
        let challenge = !challengeStages.isEmpty && random.chance(50) ? random.below(challengeStages.count) : nil
        let earliest = ([organisationTimes[company]] + orgs.map { organisationTimes[$0] } + [challenge.map { challengeReportedAt[$0] } ?? 0]).max()!
        let number = partnerships
        partnerships += 1
        var data: JSONObject = [
            "partnership": .string("ps\(number)"), "kind": .string(random.pick(PartnershipKind.allCases).rawValue),
            "company": .string("o\(company)"), "orgs": .array(orgs.map { .string("o\($0)") }),
        ]
        if let challenge { data["challenge"] = .string("c\(challenge)") }
        return event(id, .partnershipFormed, at: time(after: earliest), actor: actor(of: company), data)
    }

    /// Up to `count` distinct elements of `pool`, in the order drawn.
    private mutating func distinct(_ count: Int, from pool: some RandomAccessCollection<Int>) -> [Int] {
        var chosen: [Int] = []
        for _ in 0 ..< count * 2 where chosen.count < count {
            let candidate = pool[pool.index(pool.startIndex, offsetBy: random.below(pool.count))]
            if !chosen.contains(candidate) { chosen.append(candidate) }
        }
        return chosen
    }

    /// Removes a finished challenge from the open list (swap with the last).
    private mutating func closeChallenge(_ challenge: Int) {
        let slot = openSlot[challenge]
        let last = openChallenges.removeLast()
        if last != challenge {
            openChallenges[slot] = last
            openSlot[last] = slot
        }
        openSlot[challenge] = -1
    }

    private mutating func actor(of org: Int) -> String {
        "user\(random.below(9) + 1)@o\(org)"
    }
}
