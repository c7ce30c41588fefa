import ArgumentParser
import CareLedger
import Ledger
import Projections

/// `careledger stats`: the store's size and shape.
struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Events, streams, head position, store size and projection checkpoints."
    )

    @OptionGroup var options: StoreOptions

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    func run() async throws {
        let store = try await options.openStore()
        let statistics: LedgerStatistics
        do {
            statistics = try store.ledger.statistics()
        } catch {
            await store.close()
            throw error
        }
        let projections = store.engine.status()
        await store.close()
        let figures: [(String, Int64)] = [
            ("events", Int64(statistics.events)), ("streams", Int64(statistics.streams)),
            ("head", Int64(statistics.head)), ("storeBytes", Int64(statistics.storeSize)),
            ("mapBytes", Int64(statistics.mapSize)),
        ]
        switch format {
        case .json:
            var object = JSONObject(uniqueKeysWithValues: figures.map { ($0.0, JSONValue.integer($0.1)) })
            object["projections"] = .array(projections.map { status in
                .object(["name": .string(status.name), "version": .integer(Int64(status.version)),
                         "checkpoint": .integer(Int64(status.checkpoint)),
                         "failure": status.failure.map { .string($0.description) } ?? .null])
            })
            StandardStreams.out(JSONValue.object(object).serialized() + "\n")
        case .table, .csv:
            var table = TextTable(["figure", "value"])
            for (name, value) in figures { table.append([name, String(value)]) }
            for status in projections {
                table.append(["projection \(status.name) v\(status.version)", "checkpoint \(status.checkpoint)" + (status.failure == nil ? "" : " (failed)")])
            }
            StandardStreams.out(table.rendered())
        }
    }
}
