/// The words of generated histories: weighted mixes of kinds, and titles and areas that read
/// like the programme's without naming anyone.
enum GeneratorVocabulary {
    /// Organisation kinds, weighted: many companies and municipalities, fewer of the rest.
    static let organisationKindMix: [OrganisationKind] = [
        .municipality, .municipality, .municipality, .region, .company, .company, .company, .company,
        .academia, .cluster, .association,
    ]

    /// Course kinds, weighted towards company courses, as the programme's targets are.
    static let courseKindMix: [CourseKind] = [.company, .company, .company, .staff, .staff, .newTechnology, .student]

    static let areas = ["elder care", "home care", "rehabilitation", "psychiatry", "primary care", "hospital logistics", "welfare technology"]

    static let problemTitles = [
        "Night-time falls go unnoticed", "Medication rounds take too long", "Paper forms at discharge",
        "Hard to book interpreters", "Lifting aids are hard to find", "Video visits drop out", "Double registration of vital signs",
    ]

    static let solutionTitles = [
        "Fall sensor for care homes", "Medication robot", "Digital discharge letter", "Interpreter booking app",
        "Asset tracking for aids", "Stable video platform", "Vital-sign integration",
    ]

    static let courseTitles = [
        "Selling to the public sector", "Service design basics", "Welfare technology in practice",
        "AI in care", "Procurement for innovation", "Testing with users",
    ]

    /// An organisation's display name.
    static func name(of kind: OrganisationKind, in country: Country, number: Int, random: inout SplitMix64) -> String {
        let places = switch country {
        case .DK: ["Aarhus", "Roskilde", "Helsingør", "Odense"]
        case .SE: ["Lund", "Malmö", "Helsingborg", "Jönköping"]
        case .NO: ["Halden", "Fredrikstad", "Sarpsborg", "Moss"]
        }
        return "\(random.pick(places)) \(kind.rawValue) \(number)"
    }
}
