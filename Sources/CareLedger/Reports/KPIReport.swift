/// The KPI report: every ``KPIIndicator`` with its actual value, target and status.
public struct KPIReport: Sendable, Hashable {
    /// The point the report was computed as of.
    public var asOf: AsOf
    /// One figure per indicator, in ``KPIIndicator`` order.
    public var indicators: [KPIFigure]

    /// Creates a report.
    public init(asOf: AsOf, indicators: [KPIFigure]) {
        self.asOf = asOf
        self.indicators = indicators
    }

    /// The figure of `indicator`, or `nil` when the report lacks it.
    public subscript(indicator: KPIIndicator) -> KPIFigure? {
        indicators.first { $0.indicator == indicator }
    }

    /// `{"asOf": {...}, "indicators": [{"key", "actual", "target": {"min", "max"} | null, "status" | null}]}`.
    public var json: JSONValue {
        .object(["asOf": asOf.json, "indicators": .array(indicators.map(\.json))])
    }
}

/// One indicator's figure.
public struct KPIFigure: Sendable, Hashable {
    /// The indicator.
    public var indicator: KPIIndicator
    /// Its value.
    public var actual: Int
    /// Its target, from ``KPITarget/table``, or `nil`.
    public var target: KPITarget?
    /// Where the value stands against the target; `nil` without a target.
    public var status: KPIStatus?

    /// A figure of `indicator` at `actual`, with the indicator's target and the status.
    public init(indicator: KPIIndicator, actual: Int) {
        self.indicator = indicator
        self.actual = actual
        self.target = indicator.target
        self.status = indicator.target?.status(of: actual)
    }

    /// `{"key", "actual", "target": {"min", "max"} | null, "status" | null}`.
    public var json: JSONValue {
        let target: JSONValue = self.target.map { target in
            .object(["min": .integer(Int64(target.minimum)), "max": target.maximum.map { .integer(Int64($0)) } ?? .null])
        } ?? .null
        return .object([
            "key": .string(indicator.key), "actual": .integer(Int64(actual)),
            "target": target, "status": status.map { .string($0.rawValue) } ?? .null,
        ])
    }
}
