/// A KPI target: a minimum and, for a range, a maximum.
public struct KPITarget: Sendable, Hashable {
    /// The least value that meets the target.
    public var minimum: Int
    /// The greatest value that meets it, or `nil` when there is no upper bound.
    public var maximum: Int?

    /// A target of at least `minimum` and at most `maximum`.
    public init(minimum: Int, maximum: Int? = nil) {
        self.minimum = minimum
        self.maximum = maximum
    }

    /// Where `actual` stands against the target.
    public func status(of actual: Int) -> KPIStatus {
        if actual < minimum { return .below }
        if let maximum, actual > maximum { return .above }
        return .met
    }

    /// The CareWare programme's short-term targets: the one table every report reads
    /// (indicators without a target map to `nil`).
    public static let table: [KPIIndicator: KPITarget?] = [
        .challengesReported: nil,
        .ideaDevelopmentCompleted: KPITarget(minimum: 20),
        .companyCourses: KPITarget(minimum: 30),
        .staffCourses: KPITarget(minimum: 10),
        .newTechnologyCourses: KPITarget(minimum: 3, maximum: 6),
        .studentCourses: nil,
        .companiesEngaged: KPITarget(minimum: 30, maximum: 35),
        .solutionsPresented: KPITarget(minimum: 30, maximum: 35),
        .staffTrained: KPITarget(minimum: 250, maximum: 300),
        .partnershipsFormed: nil,
        .successfulProjects: nil,
    ]
}

/// Where an indicator stands against its target.
public enum KPIStatus: String, Sendable, Hashable, CaseIterable {
    /// Under the minimum.
    case below
    /// Within the target.
    case met
    /// Over the maximum.
    case above
}
