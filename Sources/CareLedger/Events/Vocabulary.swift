/// The closed vocabularies of the domain. Each case's raw value is its name in JSON; its
/// position in `allCases` is its code in a stored payload, so cases are only ever appended.

/// What kind of organisation joined.
public enum OrganisationKind: String, Sendable, Hashable, CaseIterable {
    case municipality, region, company, academia, cluster, association

    /// Whether the organisation is a public care provider (a municipality or a region), the
    /// kind that reports problems, receives presentations and gives feedback.
    public var isPublicCareProvider: Bool { self == .municipality || self == .region }
}

/// The countries of the programme.
public enum Country: String, Sendable, Hashable, CaseIterable {
    case DK, SE, NO
}

/// A registered person's role.
public enum PersonRole: String, Sendable, Hashable, CaseIterable {
    case staff, student, company
}

/// The stages of a challenge, in order; `dropped` ends a challenge at any stage.
public enum Stage: String, Sendable, Hashable, CaseIterable, Comparable {
    case reported, screening, ideaDevelopment, concept, test, implemented, dropped

    /// The stages a challenge moves through, from `reported` to `implemented`.
    public static let progression: [Stage] = [.reported, .screening, .ideaDevelopment, .concept, .test, .implemented]

    /// Whether no stage may follow: `implemented` or `dropped`.
    public var isFinal: Bool { self == .implemented || self == .dropped }

    /// Order of declaration (`dropped` last).
    public static func < (lhs: Stage, rhs: Stage) -> Bool { lhs.code < rhs.code }

    /// The payload code.
    @inlinable
    public var code: UInt8 {
        switch self {
        case .reported: 0
        case .screening: 1
        case .ideaDevelopment: 2
        case .concept: 3
        case .test: 4
        case .implemented: 5
        case .dropped: 6
        }
    }
}

/// What a course was for.
public enum CourseKind: String, Sendable, Hashable, CaseIterable {
    case company, staff, newTechnology, student
}

/// What a partnership is.
public enum PartnershipKind: String, Sendable, Hashable, CaseIterable {
    case test, opi
}

extension CaseIterable where Self: RawRepresentable, RawValue == String, AllCases == [Self] {
    /// The names, in code order: the ``FieldKind/choice(_:)`` of a field of this vocabulary.
    static var choice: FieldKind { .choice(allCases.map(\.rawValue)) }

    /// The case whose payload code is `code`, or `nil`.
    public init?(code: UInt8) {
        guard Int(code) < Self.allCases.count else { return nil }
        self = Self.allCases[Int(code)]
    }
}
