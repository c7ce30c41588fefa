import ArgumentParser
import CareLedger
import Ledger

/// `careledger stats`: the store's size and shape.
struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Events, streams, head position, store size and projection checkpoints."
    )

    @OptionGroup var options: StoreOptions

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    func run() async throws {
        let ledger = try options.openExisting()
        defer { ledger.close() }
        let statistics = try ledger.statistics()
        let figures: [(String, Int64)] = [
            ("events", Int64(statistics.events)), ("streams", Int64(statistics.streams)),
            ("head", Int64(statistics.head)), ("storeBytes", Int64(statistics.storeSize)),
            ("mapBytes", Int64(statistics.mapSize)),
        ]
        switch format {
        case .json:
            let object = JSONObject(uniqueKeysWithValues: figures.map { ($0.0, JSONValue.integer($0.1)) })
            StandardStreams.out(JSONValue.object(object).serialized() + "\n")
        case .table, .csv:
            var table = TextTable(["figure", "value"])
            for (name, value) in figures { table.append([name, String(value)]) }
            StandardStreams.out(table.rendered())
        }
    }
}
