public import Ledger
public import Projections

/// The geography report as a projection: organisations (kind, country, problems reported) and
/// persons (organisation, role, trained) in flat tables (see <doc:Reports>).
///
/// Folds `OrganisationJoined`, `PersonRegistered`, `ProblemReported` and `CourseCompleted`,
/// reading ids and codes in place; per event it allocates nothing but amortized table growth.
public struct GeographyProjection: Projection {
    /// The organisations and persons, in flat columns.
    public struct State: Sendable, Hashable {
        var organisations = OrganisationDirectory()
        var persons = PersonDirectory()
    }

    let tags = CareTags()

    /// Creates the projection.
    public init() {}

    /// `geography`.
    public var name: String { "geography" }
    /// The fold's version: 4 (states of version 3 kept an array of arena offsets beside each
    /// id table, version 2 every id's bytes in the arenas, version 1 a column per fact).
    public var version: UInt32 { 4 }
    /// The four types the report reads.
    public var eventTypes: [String] {
        [CareEventType.organisationJoined, .personRegistered, .problemReported, .courseCompleted].map(\.name)
    }

    /// An empty state.
    public func initialState() -> State { State() }

    /// Folds one event.
    ///
    /// - Throws: ``ReportFoldError`` when the payload does not match its schema.
    public func apply(_ record: RecordView, to state: inout State) throws {
        let tag = record.typeTag
        try record.readCarePayload(for: name, tags: tags) { payload throws(PayloadReader.Truncated) in
            switch tag {
            case tags.organisationJoined:
                try state.organisations.foldJoined(&payload)
            case tags.personRegistered:
                try state.persons.foldRegistered(&payload, organisations: &state.organisations)
            case tags.problemReported:
                try payload.skipIdentifier()
                state.organisations.countProblem(reportedBy: try payload.readIdentifier())
            case tags.courseCompleted:
                try payload.skipIdentifier()
                _ = try payload.readCode()
                try state.persons.foldParticipants(&payload)
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
            case tags.organisationJoined:
                state.organisations.prefetch(try payload.readIdentifier())
            case tags.personRegistered:
                state.persons.prefetch(try payload.readIdentifier())
                state.organisations.prefetch(try payload.readIdentifier())
            case tags.problemReported:
                try payload.skipIdentifier()
                state.organisations.prefetch(try payload.readIdentifier())
            case tags.courseCompleted:
                try state.persons.prefetchCourseParticipants(&payload)
            default:
                break
            }
        }
    }

    /// Writes the state as flat blocks.
    public func encode(_ state: State, to writer: inout ByteWriter) {
        state.organisations.encode(to: &writer)
        state.persons.encode(to: &writer)
    }

    /// Reads a state written by ``encode(_:to:)``.
    ///
    /// - Throws: `StateDecodingError` for truncated or inconsistent bytes.
    public func decode(from reader: inout ByteReader) throws -> State {
        let organisations = try OrganisationDirectory.decode(from: &reader)
        let persons = try PersonDirectory.decode(from: &reader)
        let unknown = persons.count { PersonDirectory.organisation($0).map { $0 >= organisations.count } ?? false }
        guard unknown == 0 else {
            throw StateDecodingError(offset: reader.offset, reason: "person names an unknown organisation")
        }
        return State(organisations: organisations, persons: persons)
    }

    /// The report of `state`. O(organisations + persons).
    public func report(_ state: State) -> GeographyReport {
        let organisations = state.organisations.rows()
        let kinds = OrganisationKind.allCases.count
        let countries = Country.allCases.count
        var joined = [Int](repeating: 0, count: countries * kinds)
        var problems = [Int](repeating: 0, count: countries)
        var staff = [Int](repeating: 0, count: countries)
        for row in organisations {
            let country = Int(OrganisationDirectory.country(row))
            guard country < countries else { continue }
            problems[country] += OrganisationDirectory.problemsReported(row)
            let kind = Int(OrganisationDirectory.kind(row))
            if kind < kinds { joined[country * kinds + kind] += 1 }
        }
        state.persons.forEachRow { row in
            guard PersonDirectory.isTrainedStaff(row), let organisation = PersonDirectory.organisation(row) else { return }
            let country = Int(OrganisationDirectory.country(organisations[organisation]))
            if country < countries { staff[country] += 1 }
        }
        return GeographyReport(countries: Country.allCases.enumerated().map { code, country in
            CountryFigures(
                country: country,
                organisations: Dictionary(uniqueKeysWithValues: OrganisationKind.allCases.enumerated().map { ($1, joined[code * kinds + $0]) }),
                challengesReported: problems[code], staffTrained: staff[code])
        })
    }
}
