import ArgumentParser
import CareLedger
import Ledger

/// `careledger explain INDICATOR`.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "List the events behind one KPI figure: their log positions and ids.",
        discussion: "Indicators: \(KPIIndicator.allCases.map(\.key).joined(separator: ", "))."
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "The KPI indicator, e.g. staffTrained.", transform: ExplainCommand.indicator(named:))
    var indicator: KPIIndicator

    static func indicator(named name: String) throws -> KPIIndicator {
        guard let indicator = KPIIndicator(rawValue: name) else {
            throw ValidationError("unknown indicator \"\(name)\"; one of \(KPIIndicator.allCases.map(\.key).joined(separator: ", "))")
        }
        return indicator
    }

    @OptionGroup var point: AsOfOptions

    @OptionGroup var output: FormatOption

    func run() async throws {
        let store = try await options.openStore()
        let asOf = try point.point()
        let list: [KPIContribution]
        do {
            list = try store.explain(indicator, asOf: asOf)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        StandardStreams.out(ReportRendering.contributions(list, indicator: indicator, asOf: asOf, format: output.format))
    }
}
