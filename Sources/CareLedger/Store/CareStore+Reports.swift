import Ledger
import Projections
import Synchronization

/// The reports of a store: the three projections registered with its engine when it opens,
/// and the accessors analysts and services read them with.
extension CareStore {
    /// Registers the KPI, funnel and geography projections with ``engine`` (catch-up mode),
    /// restoring their checkpoints or starting them from position 1. Called by `init`.
    ///
    /// - Throws: `ProjectionError.duplicateName` if they are registered already; `LedgerError`.
    func registerReports() async throws {
        let handles = try await CareReports.Handles(registeringWith: engine)
        ReportHandleRegistry.shared.keep(handles, for: engine)
    }

    /// The store's reports (see <doc:Reports>).
    public var reports: CareReports {
        guard let handles = ReportHandleRegistry.shared.handles(for: engine) else {
            preconditionFailure("CareStore.init registers the reports before the store is returned")
        }
        return CareReports(ledger: ledger, engine: engine, handles: handles)
    }

    /// The KPI report as of `point` (see ``CareReports/kpi(asOf:)``).
    ///
    /// - Throws: `ProjectionError` when the projection stopped at an event; `LedgerError`.
    public func kpi(asOf point: AsOf = .now) async throws -> KPIReport {
        try await reports.kpi(asOf: point)
    }

    /// The funnel report as of `point` (see ``CareReports/funnel(asOf:)``).
    ///
    /// - Throws: as ``kpi(asOf:)``.
    public func funnel(asOf point: AsOf = .now) async throws -> FunnelReport {
        try await reports.funnel(asOf: point)
    }

    /// The geography report as of `point` (see ``CareReports/geography(asOf:)``).
    ///
    /// - Throws: as ``kpi(asOf:)``.
    public func geography(asOf point: AsOf = .now) async throws -> GeographyReport {
        try await reports.geography(asOf: point)
    }

    /// The events behind `indicator`'s figure as of `point` (see <doc:AuditingAFigure>).
    ///
    /// - Throws: `LedgerError`; ``ReportFoldError`` for an undecodable payload.
    public func explain(_ indicator: KPIIndicator, asOf point: AsOf = .now) throws -> [KPIContribution] {
        try reports.explain(indicator, asOf: point)
    }
}

/// Where a store keeps its report handles: `CareStore` has no stored property for them, and an
/// extension cannot add one. Entries are keyed by the engine's identity and hold the engine
/// weakly, so a closed store's ledger is never kept open by them; an entry whose engine is gone
/// is dropped at the next registration.
final class ReportHandleRegistry: Sendable {
    static let shared = ReportHandleRegistry()

    private struct Entry {
        weak var engine: ProjectionEngine?
        let handles: CareReports.Handles
    }

    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])

    func keep(_ handles: CareReports.Handles, for engine: ProjectionEngine) {
        entries.withLock { entries in
            entries = entries.filter { $0.value.engine != nil }
            entries[ObjectIdentifier(engine)] = Entry(engine: engine, handles: handles)
        }
    }

    func handles(for engine: ProjectionEngine) -> CareReports.Handles? {
        entries.withLock { entries in
            guard let entry = entries[ObjectIdentifier(engine)], entry.engine === engine else { return nil }
            return entry.handles
        }
    }
}
