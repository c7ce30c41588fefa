import ArgumentParser
import CareLedger
import Ledger

/// `careledger copy`: a consistent copy of a store (a backup, or a copy to replay from),
/// verified after it is written.
struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a store, as of one moment, into a new directory, compacted, and verify the copy.",
        discussion: """
            The copy holds the log, its indexes and the reports' read models as of one snapshot; \
            appends may go on meanwhile. Compacting leaves out free space and lays the log out \
            in order, which makes a full replay of the copy read its file front to back. Exits 2 \
            when the copy does not verify.
            """
    )

    @OptionGroup var options: StoreOptions

    @Option(name: .customLong("to"), help: ArgumentHelp("Where to write the copy: a missing or empty directory.", valueName: "dir"))
    var destination: String

    @Flag(name: .customLong("no-compact"), help: "Copy page for page instead of compacting.")
    var pageForPage = false

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    func run() async throws {
        let ledger = try options.openLedger()
        let start = ContinuousClock.now
        let copy: StoreCopy
        do {
            copy = try ledger.copy(to: destination, compacting: !pageForPage)
        } catch {
            ledger.close()
            throw error
        }
        let seconds = start.duration(to: .now).seconds
        ledger.close()
        let copied = try Ledger(path: copy.directory)
        defer { copied.close() }
        let report = try copied.verify()
        let figures: [(name: String, value: JSONValue, text: String)] = [
            ("directory", .string(copy.directory), copy.directory),
            ("bytes", .integer(Int64(copy.bytes)), String(copy.bytes)),
            ("compacted", .bool(copy.isCompacted), copy.isCompacted ? "yes" : "no"),
            ("seconds", JSONNumber(seconds).map(JSONValue.number) ?? .null, Formatting.fixed(seconds, digits: 3)),
            ("head", .integer(Int64(report.head)), String(report.head)),
            ("headHash", .string(report.headHash.description), report.headHash.description),
            ("intact", .bool(report.isIntact), report.isIntact ? "yes" : "no"),
        ]
        StandardStreams.out(ReportRendering.figures(figures, format: format))
        if let problem = report.problem {
            StandardStreams.error("careledger: the copy does not verify: first bad position \(problem.position): \(problem)\n")
            throw ExitCode(2)
        }
    }
}
