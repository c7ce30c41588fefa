import ArgumentParser
import CareLedger
import Ledger

/// `careledger diff REPORT --from T1 --to T2`.
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show how a report changed between two points (RFC 3339 times or log positions)."
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "The report: kpi, funnel or geography.")
    var report: ReportName

    @Option(help: ArgumentHelp("The earlier point: an RFC 3339 time or a log position.", valueName: "point"))
    var from: String

    @Option(help: ArgumentHelp("The later point: an RFC 3339 time or a log position.", valueName: "point"))
    var to: String

    @OptionGroup var output: FormatOption

    func validate() throws {
        _ = try PointArgument.positionOrTime(from, option: "--from")
        _ = try PointArgument.positionOrTime(to, option: "--to")
    }

    func run() async throws {
        let start = try PointArgument.positionOrTime(from, option: "--from")
        let end = try PointArgument.positionOrTime(to, option: "--to")
        let store = try await options.openStore()
        let before: [(String, Double)], after: [(String, Double)]
        do {
            before = try await Self.figures(report, of: store, asOf: start)
            after = try await Self.figures(report, of: store, asOf: end)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        let rows = zip(before, after).map { old, new in (old.0, old.1, new.1) }
        switch output.format {
        case .json:
            let items = rows.map { name, old, new in
                JSONValue.object(["figure": .string(name), "from": number(old), "to": number(new), "change": number(new - old)])
            }
            StandardStreams.out(JSONValue.object(["report": .string(report.rawValue), "from": start.json, "to": end.json,
                                                  "figures": .array(items)]).serialized() + "\n")
        case .table, .csv:
            let cells = rows.map { name, old, new in [name, text(old), text(new), signed(new - old)] }
            let header = output.format == .table ? "\(report.rawValue): \(ReportRendering.caption(start)) → \(ReportRendering.caption(end))\n" : ""
            StandardStreams.out(header + ReportRendering.grid(["figure", "from", "to", "change"], cells, format: output.format))
        }
    }

    /// The report's figures, flattened to name/value pairs in a fixed order.
    static func figures(_ report: ReportName, of store: CareStore, asOf point: AsOf) async throws -> [(String, Double)] {
        switch report {
        case .kpi:
            return try await store.kpi(asOf: point).indicators.map { ($0.indicator.key, Double($0.actual)) }
        case .funnel:
            let funnel = try await store.funnel(asOf: point)
            return funnel.stages.flatMap { stage in
                [("\(stage.stage.rawValue).reached", Double(stage.reached)),
                 ("\(stage.stage.rawValue).medianDays", stage.medianDays ?? .nan)]
            } + [("dropped", Double(funnel.dropped))]
        case .geography:
            return try await store.geography(asOf: point).countries.flatMap { country in
                OrganisationKind.allCases.map { ("\(country.country.rawValue).\($0.rawValue)", Double(country.organisations[$0] ?? 0)) }
                    + [("\(country.country.rawValue).challengesReported", Double(country.challengesReported)),
                       ("\(country.country.rawValue).staffTrained", Double(country.staffTrained))]
            }
        }
    }

    private func number(_ value: Double) -> JSONValue {
        guard value.isFinite else { return .null }
        if value == value.rounded(), abs(value) < 1e15 { return .integer(Int64(value)) }
        return JSONNumber(value).map(JSONValue.number) ?? .null
    }

    private func text(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        return value == value.rounded() ? String(Int64(value)) : Formatting.fixed(value, digits: 1)
    }

    private func signed(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        return (value > 0 ? "+" : "") + text(value)
    }
}
