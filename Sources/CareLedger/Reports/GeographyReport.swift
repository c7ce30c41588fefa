/// The geography report: per country of the programme, the organisations that joined by
/// kind, the challenges its organisations reported, and its trained staff.
public struct GeographyReport: Sendable, Hashable {
    /// One entry per ``Country``, in the order DK, SE, NO.
    public var countries: [CountryFigures]

    /// Creates a report.
    public init(countries: [CountryFigures]) { self.countries = countries }

    /// The figures of `country`, or `nil` when the report lacks it.
    public subscript(country: Country) -> CountryFigures? {
        countries.first { $0.country == country }
    }

    /// `{"countries": [{"country", "organisations": {kind: n}, "challengesReported", "staffTrained"}]}`.
    public var json: JSONValue {
        .object(["countries": .array(countries.map(\.json))])
    }
}

/// One country's figures.
public struct CountryFigures: Sendable, Hashable {
    /// The country.
    public var country: Country
    /// Organisations of the country that joined, per kind (every kind present, 0 when none).
    public var organisations: [OrganisationKind: Int]
    /// `ProblemReported` events whose `org` is of this country.
    public var challengesReported: Int
    /// Distinct persons registered as staff of an organisation of this country who took part
    /// in any course.
    public var staffTrained: Int

    /// Creates a country's figures.
    public init(country: Country, organisations: [OrganisationKind: Int], challengesReported: Int, staffTrained: Int) {
        self.country = country
        self.organisations = organisations
        self.challengesReported = challengesReported
        self.staffTrained = staffTrained
    }

    /// `{"country", "organisations": {kind: n} (kinds in vocabulary order), "challengesReported", "staffTrained"}`.
    public var json: JSONValue {
        let kinds = JSONObject(uniqueKeysWithValues: OrganisationKind.allCases.map { ($0.rawValue, JSONValue.integer(Int64(organisations[$0] ?? 0))) })
        return .object([
            "country": .string(country.rawValue), "organisations": .object(kinds),
            "challengesReported": .integer(Int64(challengesReported)), "staffTrained": .integer(Int64(staffTrained)),
        ])
    }
}
