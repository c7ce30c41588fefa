public import Ledger
public import Projections

/// The KPI report as a projection: counts and per-entity flags from which every indicator of
/// ``KPIIndicator`` is read (see <doc:Reports>).
///
/// Folds `PersonRegistered`, `ProblemReported`, `IdeaAdvanced`, `SolutionPresented`,
/// `CourseCompleted` and `PartnershipFormed`, reading only the fields each indicator needs, in
/// place. Per event it allocates nothing (entity tables grow by doubling) and creates no string.
public struct KPIProjection: Projection {
    /// What the KPI fold keeps: event counts, and flat tables of organisations (engaged as a
    /// company), persons (role, trained) and challenges (furthest stage).
    public struct State: Sendable, Hashable {
        var challengesReported: UInt64 = 0
        /// `CourseCompleted` per ``CourseKind`` code.
        var courses: [UInt64] = Array(repeating: 0, count: CourseKind.allCases.count)
        var solutionsPresented: UInt64 = 0
        var partnershipsFormed: UInt64 = 0
        var organisations = OrganisationDirectory()
        var persons = PersonDirectory()
        var challenges = ChallengeProgress(timed: false)
    }

    let tags = CareTags()

    /// Creates the projection.
    public init() {}

    /// `kpi`.
    public var name: String { "kpi" }
    /// The fold's version: 4 (states of version 3 kept an array of arena offsets beside each
    /// id table, version 2 every id's bytes in the arenas, version 1 a column per fact).
    public var version: UInt32 { 4 }
    /// The six types the indicators count.
    public var eventTypes: [String] {
        [CareEventType.personRegistered, .problemReported, .ideaAdvanced, .solutionPresented, .courseCompleted, .partnershipFormed].map(\.name)
    }

    /// An empty state.
    public func initialState() -> State { State() }

    /// Folds one event; O(fields read), no allocation but amortized table growth.
    ///
    /// - Throws: ``ReportFoldError`` when the payload does not match its schema.
    public func apply(_ record: RecordView, to state: inout State) throws {
        let tag = record.typeTag
        try record.readCarePayload(for: name, tags: tags) { payload throws(PayloadReader.Truncated) in
            switch tag {
            case tags.personRegistered:
                try state.persons.foldRole(&payload)
            case tags.problemReported:
                state.challengesReported &+= 1
            case tags.ideaAdvanced:
                try state.challenges.foldAdvanced(&payload, at: record.occurredAt)
            case tags.solutionPresented:
                state.solutionsPresented &+= 1
                try payload.skipIdentifier()
                state.organisations.engage(try payload.readIdentifier())
            case tags.courseCompleted:
                try payload.skipIdentifier()
                let kind = Int(try payload.readCode())
                guard kind < state.courses.count else { throw PayloadReader.Truncated() }
                state.courses[kind] &+= 1
                try state.persons.foldParticipants(&payload)
                for _ in 0 ..< (try payload.readCount()) { state.organisations.engage(try payload.readIdentifier()) }
            case tags.partnershipFormed:
                state.partnershipsFormed &+= 1
                try payload.skipIdentifier()
                _ = try payload.readCode()
                state.organisations.engage(try payload.readIdentifier())
            default:
                break
            }
        }
    }

    /// Hints the directory cells ``apply(_:to:)`` will look up for `record`.
    public func prefetch(_ record: RecordView, in state: inout State) {
        let tag = record.typeTag
        record.hintCarePayload(tags: tags) { payload throws(PayloadReader.Truncated) in
            switch tag {
            case tags.personRegistered:
                state.persons.prefetch(try payload.readIdentifier())
            case tags.ideaAdvanced:
                state.challenges.prefetch(try payload.readIdentifier())
            case tags.solutionPresented:
                try payload.skipIdentifier()
                state.organisations.prefetch(try payload.readIdentifier())
            case tags.courseCompleted:
                try state.persons.prefetchCourseParticipants(&payload)
                for _ in 0 ..< (try payload.readCount()) { state.organisations.prefetch(try payload.readIdentifier()) }
            case tags.partnershipFormed:
                try payload.skipIdentifier()
                _ = try payload.readCode()
                state.organisations.prefetch(try payload.readIdentifier())
            default:
                break
            }
        }
    }

    /// Writes the state: counts, then each table as flat blocks.
    public func encode(_ state: State, to writer: inout ByteWriter) {
        writer.write(state.challengesReported)
        writer.writeFlat(state.courses)
        writer.write(state.solutionsPresented)
        writer.write(state.partnershipsFormed)
        state.organisations.encode(to: &writer)
        state.persons.encode(to: &writer)
        state.challenges.encode(to: &writer)
    }

    /// Reads a state written by ``encode(_:to:)``.
    ///
    /// - Throws: `StateDecodingError` for truncated or inconsistent bytes.
    public func decode(from reader: inout ByteReader) throws -> State {
        var state = State()
        state.challengesReported = try reader.read()
        state.courses = try reader.readFlat(count: CourseKind.allCases.count)
        state.solutionsPresented = try reader.read()
        state.partnershipsFormed = try reader.read()
        state.organisations = try OrganisationDirectory.decode(from: &reader)
        state.persons = try PersonDirectory.decode(from: &reader)
        state.challenges = try ChallengeProgress.decode(from: &reader)
        return state
    }

    /// The report of `state`, computed as of `asOf`. O(entities).
    public func report(_ state: State, asOf: AsOf) -> KPIReport {
        let concept = Stage.concept.code
        let implemented = Stage.implemented.code
        func course(_ kind: CourseKind) -> Int { Int(state.courses[CourseKind.allCases.firstIndex(of: kind)!]) }
        func actual(_ indicator: KPIIndicator) -> Int {
            switch indicator {
            case .challengesReported: Int(state.challengesReported)
            case .ideaDevelopmentCompleted: state.challenges.count { ChallengeProgress.furthest($0) >= concept }
            case .companyCourses: course(.company)
            case .staffCourses: course(.staff)
            case .newTechnologyCourses: course(.newTechnology)
            case .studentCourses: course(.student)
            case .companiesEngaged: state.organisations.rows().count(where: OrganisationDirectory.isEngaged)
            case .solutionsPresented: Int(state.solutionsPresented)
            case .staffTrained: state.persons.count(where: PersonDirectory.isTrainedStaff)
            case .partnershipsFormed: Int(state.partnershipsFormed)
            case .successfulProjects: state.challenges.count { ChallengeProgress.furthest($0) == implemented }
            }
        }
        return KPIReport(asOf: asOf, indicators: KPIIndicator.allCases.map { KPIFigure(indicator: $0, actual: actual($0)) })
    }
}
