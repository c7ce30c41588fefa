import ArgumentParser
import CareLedger
import Ledger

/// The built-in reports.
enum ReportName: String, ExpressibleByArgument, CaseIterable {
    case kpi, funnel, geography
}

/// `careledger report kpi|funnel|geography`.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print a report — now, or as of a time or a log position."
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: "The report: kpi, funnel or geography.")
    var report: ReportName

    @OptionGroup var point: AsOfOptions

    @OptionGroup var output: FormatOption

    func run() async throws {
        let store = try await options.openStore()
        let text: String
        do {
            text = try await Self.render(report, of: store, asOf: try point.point(), format: output.format)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        StandardStreams.out(text)
    }

    /// `report` of `store` as of `point`, rendered.
    static func render(_ report: ReportName, of store: CareStore, asOf point: AsOf, format: OutputFormat) async throws -> String {
        switch report {
        case .kpi: ReportRendering.kpi(try await store.kpi(asOf: point), format: format)
        case .funnel: ReportRendering.funnel(try await store.funnel(asOf: point), asOf: point, format: format)
        case .geography: ReportRendering.geography(try await store.geography(asOf: point), asOf: point, format: format)
        }
    }
}
