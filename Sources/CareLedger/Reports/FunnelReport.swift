/// The funnel report: how many challenges reached each stage from `reported` to
/// `implemented`, the conversion from the stage before, the median days to enter it, and how
/// many challenges were dropped.
public struct FunnelReport: Sendable, Hashable {
    /// One entry per stage of ``Stage/progression``, in order.
    public var stages: [FunnelStage]
    /// Challenges with an `IdeaAdvanced` into `dropped`.
    public var dropped: Int

    /// Creates a report.
    public init(stages: [FunnelStage], dropped: Int) {
        self.stages = stages
        self.dropped = dropped
    }

    /// `{"stages": [{"stage", "reached", "conversion", "medianDays"}], "dropped"}`.
    public var json: JSONValue {
        .object(["stages": .array(stages.map(\.json)), "dropped": .integer(Int64(dropped))])
    }

    /// Fractional days between two times in microseconds (36 hours is 1.5).
    public static func days(from start: Int64, to end: Int64) -> Double {
        Double(end - start) / 86_400_000_000
    }

    /// The median of `values`: the middle value, or the mean of the two middle values for an
    /// even count; `nil` for none. O(n) on average (a selection, not a sort).
    public static func median(_ values: [Double]) -> Double? {
        var values = values
        return median(selecting: &values)
    }

    /// The median of `values`, reordering them in place (no copy): Hoare's selection of the
    /// upper middle value, then, for an even count, the largest of the values it left before
    /// it. O(n) on average, where sorting was O(n log n) — the largest part of a funnel report
    /// of 100,000s of challenges.
    static func median(selecting values: inout [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let middle = values.count / 2
        values.withUnsafeMutableBufferPointer { select(middle, in: $0) }
        let upper = values[middle]
        guard values.count % 2 == 0 else { return upper }
        return (values[..<middle].max()! + upper) / 2
    }

    /// Reorders `values` so that `values[k]` holds what a sort would put there, with no
    /// greater value before it and no smaller one after it (Wirth's `Find`, after Hoare).
    private static func select(_ k: Int, in values: UnsafeMutableBufferPointer<Double>) {
        var low = 0
        var high = values.count - 1
        while low < high {
            let pivot = values[k]
            var i = low
            var j = high
            repeat {
                while values[i] < pivot { i += 1 }
                while pivot < values[j] { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            } while i <= j
            if j < k { low = i }
            if k < i { high = j }
        }
    }
}

/// One stage of the funnel.
public struct FunnelStage: Sendable, Hashable {
    /// The stage.
    public var stage: Stage
    /// Challenges whose furthest stage (before any drop) is this one or later.
    public var reached: Int
    /// `reached` ÷ the previous stage's `reached`; `nil` for `reported`, and when the previous
    /// stage was reached by none.
    public var conversion: Double?
    /// The median days from `ProblemReported` to the `IdeaAdvanced` into this stage, over the
    /// challenges that have both; `nil` when none has (always for `reported`).
    public var medianDays: Double?

    /// Creates a stage entry.
    public init(stage: Stage, reached: Int, conversion: Double?, medianDays: Double?) {
        self.stage = stage
        self.reached = reached
        self.conversion = conversion
        self.medianDays = medianDays
    }

    /// `{"stage", "reached", "conversion", "medianDays"}`, numbers or `null`.
    public var json: JSONValue {
        .object([
            "stage": .string(stage.rawValue), "reached": .integer(Int64(reached)),
            "conversion": FunnelStage.number(conversion), "medianDays": FunnelStage.number(medianDays),
        ])
    }

    static func number(_ value: Double?) -> JSONValue {
        guard let value, let number = JSONNumber(value) else { return .null }
        return .number(number)
    }
}
