/// The indicators of the KPI report, in report order; each raw value is the indicator's key
/// in JSON (see <doc:Reports>).
public enum KPIIndicator: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Number of `ProblemReported` events.
    case challengesReported
    /// Challenges that reached `concept` or a later stage before any drop.
    case ideaDevelopmentCompleted
    /// `CourseCompleted` events of kind `company`.
    case companyCourses
    /// `CourseCompleted` events of kind `staff`.
    case staffCourses
    /// `CourseCompleted` events of kind `newTechnology`.
    case newTechnologyCourses
    /// `CourseCompleted` events of kind `student`.
    case studentCourses
    /// Distinct organisations named as the company of a solution or partnership, or among a
    /// course's companies.
    case companiesEngaged
    /// Number of `SolutionPresented` events.
    case solutionsPresented
    /// Distinct persons registered as staff among the participants of any course.
    case staffTrained
    /// Number of `PartnershipFormed` events.
    case partnershipsFormed
    /// Challenges that reached `implemented`.
    case successfulProjects

    /// The key in JSON.
    public var key: String { rawValue }

    /// The key.
    public var description: String { rawValue }

    /// The programme's target for the indicator, from ``KPITarget/table``, or `nil`.
    public var target: KPITarget? { KPITarget.table[self] ?? nil }
}
