public import Ledger
public import Projections

/// The three reports of the domain — KPI, funnel, geography — registered with a projection
/// engine, and read now, as of a position or as of a time; and the audit of any KPI figure.
///
/// ```swift
/// let reports = try await CareReports(ledger: ledger, engine: engine)
/// let now = try await reports.kpi()
/// let then = try await reports.funnel(asOf: .time(try Timestamp(rfc3339: "2025-01-01T00:00:00Z")))
/// let why = try reports.explain(.staffTrained, asOf: .position(5_000))
/// ```
///
/// `CareStore` owns one (``CareStore/reports``); tests and tools may make one over any
/// ledger and engine. The projections are registered in catch-up mode: a report ``AsOf/now``
/// first catches the engine up to the head.
public final class CareReports: Sendable {
    /// The ledger the reports fold.
    public let ledger: Ledger
    /// The engine the projections are registered with.
    public let engine: ProjectionEngine
    /// The KPI projection's handle.
    public let kpiHandle: ProjectionHandle<KPIProjection>
    /// The funnel projection's handle.
    public let funnelHandle: ProjectionHandle<FunnelProjection>
    /// The geography projection's handle.
    public let geographyHandle: ProjectionHandle<GeographyProjection>

    /// Registers the three projections with `engine` (restoring their checkpoints, or
    /// starting them from position 1).
    ///
    /// - Throws: `ProjectionError.duplicateName` when `engine` already has a projection named
    ///   `kpi`, `funnel` or `geography`; `LedgerError` from the store.
    public convenience init(ledger: Ledger, engine: ProjectionEngine) async throws {
        self.init(ledger: ledger, engine: engine, handles: try await Handles(registeringWith: engine))
    }

    /// Reports over projections already registered with `engine`.
    init(ledger: Ledger, engine: ProjectionEngine, handles: Handles) {
        self.ledger = ledger
        self.engine = engine
        kpiHandle = handles.kpi
        funnelHandle = handles.funnel
        geographyHandle = handles.geography
    }

    /// The three projections' handles, which is all a store must keep to read its reports.
    struct Handles: Sendable {
        let kpi: ProjectionHandle<KPIProjection>
        let funnel: ProjectionHandle<FunnelProjection>
        let geography: ProjectionHandle<GeographyProjection>

        /// Registers the three projections with `engine`, in catch-up mode.
        init(registeringWith engine: ProjectionEngine) async throws {
            kpi = try await engine.register(KPIProjection())
            funnel = try await engine.register(FunnelProjection())
            geography = try await engine.register(GeographyProjection())
        }
    }

    /// The KPI report as of `point`.
    ///
    /// Cost: ``AsOf/now`` catches the engine up (folds what was appended since), then reads the
    /// state; ``AsOf/position(_:)`` folds from the nearest snapshot; ``AsOf/time(_:)`` scans
    /// the log. Then O(entities) to compute the figures.
    /// - Throws: `ProjectionError` when the projection stopped at an event; `LedgerError`.
    public func kpi(asOf point: AsOf = .now) async throws -> KPIReport {
        kpiHandle.projection.report(try await state(of: kpiHandle, asOf: point), asOf: point)
    }

    /// The funnel report as of `point`; costs as ``kpi(asOf:)``, plus sorting for the medians.
    /// - Throws: as ``kpi(asOf:)``.
    public func funnel(asOf point: AsOf = .now) async throws -> FunnelReport {
        funnelHandle.projection.report(try await state(of: funnelHandle, asOf: point))
    }

    /// The geography report as of `point`; costs as ``kpi(asOf:)``.
    /// - Throws: as ``kpi(asOf:)``.
    public func geography(asOf point: AsOf = .now) async throws -> GeographyReport {
        geographyHandle.projection.report(try await state(of: geographyHandle, asOf: point))
    }

    /// The events behind `indicator`'s figure as of `point` (see ``KPIExplanation``).
    ///
    /// Cost: a replay of the log up to `point` that decodes the consumed events (allocates).
    /// - Throws: `LedgerError`; ``ReportFoldError`` for an undecodable payload.
    public func explain(_ indicator: KPIIndicator, asOf point: AsOf = .now) throws -> [KPIContribution] {
        try KPIExplanation.explain(indicator, in: ledger, asOf: point)
    }

    private func state<P>(of handle: ProjectionHandle<P>, asOf point: AsOf) async throws -> P.State {
        guard let replayPoint = point.replayPoint else {
            try await engine.catchUp()
            return try engine.state(of: handle)
        }
        return try engine.state(of: handle, asOf: replayPoint)
    }
}
