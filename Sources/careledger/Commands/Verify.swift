import ArgumentParser
import CareLedger
import Ledger

/// `careledger verify`: checks the hash chain and every index.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the hash chain and the indexes; exit 0 when intact, 2 naming the first bad position."
    )

    @OptionGroup var options: StoreOptions

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    func run() async throws {
        let ledger = try options.openLedger()
        defer { ledger.close() }
        let report = try ledger.verify()
        switch format {
        case .json:
            var object: JSONObject = [
                "intact": .bool(report.isIntact), "head": .integer(Int64(report.head)),
                "streams": .integer(Int64(report.streams)), "headHash": .string(report.headHash.description),
            ]
            if let problem = report.problem {
                object["firstBadPosition"] = .integer(Int64(problem.position))
                object["problem"] = .string(problem.description)
            }
            StandardStreams.out(JSONValue.object(object).serialized() + "\n")
        case .table, .csv:
            StandardStreams.out(report.description + "\n")
        }
        if let problem = report.problem {
            StandardStreams.error("careledger: the store does not verify: first bad position \(problem.position): \(problem)\n")
            throw ExitCode(2)
        }
    }
}
