public import Ledger

/// One event behind a KPI figure.
public struct KPIContribution: Sendable, Hashable, CustomStringConvertible {
    /// The event's log position.
    public var position: UInt64
    /// The event's id.
    public var eventID: String

    /// Creates a contribution.
    public init(position: UInt64, eventID: String) {
        self.position = position
        self.eventID = eventID
    }

    /// `#position eventID`.
    public var description: String { "#\(position) \(eventID)" }
}

/// Explains a KPI figure: the events that produced it, as of a point (see <doc:AuditingAFigure>).
///
/// - For a count (`challengesReported`, the four course counts, `solutionsPresented`,
///   `partnershipsFormed`): every counted event.
/// - For a distinct count (`companiesEngaged`, `staffTrained`, `ideaDevelopmentCompleted`,
///   `successfulProjects`): per counted entity, the event that first made it count — the first
///   naming of an organisation as a company; the first course of a registered staff member (or
///   the registration, if it came later); a challenge's first advance into `concept` or later,
///   or into `implemented`.
///
/// So the number of contributions always equals the figure. The explanation is a replay that
/// decodes each consumed event into its data: slower than the report, and independent of its
/// fold.
public enum KPIExplanation {
    /// The contributions to `indicator` as of `point`, in log order.
    ///
    /// - Throws: `LedgerError` when the log cannot be read; ``ReportFoldError`` for a payload
    ///   that does not decode.
    public static func explain(_ indicator: KPIIndicator, in ledger: Ledger, asOf point: AsOf) throws -> [KPIContribution] {
        let type = relevantTypes(of: indicator)
        let last: UInt64 = if case .position(let position) = point { position } else { .max }
        var tally = Tally(indicator: indicator)
        try ledger.forEachRecord(through: last) { record in
            guard point.includes(position: record.position, occurredAt: record.occurredAt),
                  let eventType = CareEventType(tag: record.typeTag), type.contains(eventType)
            else { return true }
            let data: JSONObject
            do {
                data = try EventCatalog.careWare.currentData(of: record)
            } catch {
                throw ReportFoldError(report: "explain \(indicator)", position: record.position, eventType: eventType.name)
            }
            tally.fold(eventType, data, KPIContribution(position: record.position, eventID: record.id))
            return true
        }
        return tally.contributions
    }

    static func relevantTypes(of indicator: KPIIndicator) -> Set<CareEventType> {
        switch indicator {
        case .challengesReported: [.problemReported]
        case .ideaDevelopmentCompleted, .successfulProjects: [.ideaAdvanced]
        case .companyCourses, .staffCourses, .newTechnologyCourses, .studentCourses: [.courseCompleted]
        case .companiesEngaged: [.solutionPresented, .partnershipFormed, .courseCompleted]
        case .solutionsPresented: [.solutionPresented]
        case .staffTrained: [.personRegistered, .courseCompleted]
        case .partnershipsFormed: [.partnershipFormed]
        }
    }
}
