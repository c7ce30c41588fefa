import Ledger

/// The reports of a store, read directly on it (see <doc:Reports>).
extension CareStore {
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
    /// Cost: one pass over the log up to `point`.
    /// - Throws: `LedgerError`; ``ReportFoldError`` for an undecodable payload.
    public func explain(_ indicator: KPIIndicator, asOf point: AsOf = .now) throws -> [KPIContribution] {
        try reports.explain(indicator, asOf: point)
    }
}
