public import Ledger
public import Projections

/// A CareWare store: the event log of one programme with its rules enforced on every append,
/// and the projection engine that computes its reports.
///
/// ```swift
/// let store = try await CareStore(path: "/var/lib/careware")
/// let joined = try CareEvent(id: "ev-1", type: .organisationJoined, occurredAt: .now,
///                            data: ["org": "o1", "name": "Region X", "kind": "region", "country": "SE"])
/// try await store.append(joined)
/// try await store.importEvents(fromFile: "history.jsonl")
/// ```
///
/// Opening a store installs the rules' append hook on its ledger: an event that breaks a rule of
/// <doc:TheDomain> throws ``RuleViolation`` and nothing of its append is stored. The rule state
/// lives in the store's `careledger.rules` table and is updated in each append's own
/// transaction, so checking an event costs a few key look-ups.
///
/// `CareStore` is `Sendable`: share one instance across tasks. Like a ``Ledger/Ledger``, a store
/// directory may be open once per process.
public final class CareStore: Sendable {
    /// How a store opens its ledger and engine.
    public struct Configuration: Sendable {
        /// The ledger's configuration. For a bulk import into a new store,
        /// `ledger.durability = .deferred` makes commits much cheaper (see
        /// <doc:ImportingAndExporting>).
        public var ledger = Ledger.Configuration()
        /// The projection engine's configuration.
        public var engine = ProjectionEngine.Configuration()

        /// The default configuration.
        public init() {}
    }

    /// The event log. Append through the store, not through the ledger, unless the records
    /// are domain events that keep the rules: the rules hook refuses anything else.
    public let ledger: Ledger
    /// The projection engine over ``ledger``, where the reports are registered.
    public let engine: ProjectionEngine
    /// The built-in reports (KPI, funnel, geography), registered with ``engine`` on open.
    public let reports: CareReports
    /// The hook that enforces the rules.
    let rules: RulesHook

    /// Opens the store in directory `path`, creating it if there is none, brings the rule state
    /// up to the log's head, installs the rules hook and registers the reports.
    ///
    /// Cost: opening the ledger and the engine's tables; folding into the rule state the
    /// records appended without the rules hook since it was last current, if any.
    ///
    /// - Throws: `LedgerError` when the store cannot be opened (see ``Ledger/Ledger/init(path:configuration:)``);
    ///   what registering the reports throws.
    public init(path: String, configuration: Configuration = Configuration()) async throws {
        let ledger = try Ledger(path: path, configuration: configuration.ledger)
        let rules = RulesHook(table: try await ledger.table(named: RulesHook.tableName))
        try await ledger.write { scope in try rules.catchUp(in: scope) }
        ledger.addAppendHook(rules)
        self.ledger = ledger
        self.rules = rules
        let engine = try await ProjectionEngine(ledger: ledger, configuration: configuration.engine)
        self.engine = engine
        self.reports = try await CareReports(ledger: ledger, engine: engine)
    }

    /// Stops the engine's runner and closes the ledger: queued appends are committed, new ones
    /// refused. Reads still work afterwards.
    public func close() async {
        await engine.stop()
        ledger.close()
    }
}
