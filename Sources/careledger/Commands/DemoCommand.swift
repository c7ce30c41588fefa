import ArgumentParser
import CareLedger
import Ledger
#if canImport(Glibc)
import Glibc
#endif

/// `careledger demo`: the tour behind `make demo`.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a history into a new local store, import it, and print the three reports, an audit trail and the verify result."
    )

    @Option(help: ArgumentHelp("The store to create (must not exist or be empty).", valueName: "dir"))
    var store = ".careledger-demo"

    @Option(help: "Events to generate.")
    var events = 50_000

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 2026

    func validate() throws {
        guard events > 0 else { throw ValidationError("--events must be at least 1") }
    }

    func run() async throws {
        if FileSystem.exists(store), !(FileSystem.isDirectory(store) && FileSystem.isEmptyDirectory(store)) {
            throw CommandError.demoStoreInUse(store)
        }
        let file = try FileSystem.temporaryFile(prefix: "careledger-demo", suffix: ".jsonl")
        defer { unlink(file) }

        say("1. Generating \(events) events of CareWare history (seed \(seed)) into \(file)")
        let writer = try JSONLinesWriter(path: file, mode: .truncate)
        for event in CareHistory(seed: seed, count: events) { try writer.write(event.line) }
        try writer.close()

        say("2. Importing them into the store \(store): every line is checked against the rules first")
        let careStore = try await CareStore(path: store, configuration: .commandLine)
        do {
            let bar = ProgressBar("importing", total: UInt64(events))
            let summary = try await careStore.importEvents(fromFile: file) { bar.update(UInt64($0.linesCommitted)) }
            bar.finish()
            say("   \(summary.eventsStored) events in \(summary.batches) batches, "
                + "\(Formatting.rate(Double(summary.lines) / (summary.validationDuration + summary.commitDuration).seconds)) events/s")

            let statistics = try careStore.ledger.statistics()
            let middle = AsOf.position(statistics.head / 2)
            say("\n3. KPI report — the programme's indicators against its targets")
            StandardStreams.out(try await ReportCommand.render(.kpi, of: careStore, asOf: .now, format: .table))
            say("\n   …and as it stood halfway through the log")
            StandardStreams.out(try await ReportCommand.render(.kpi, of: careStore, asOf: middle, format: .table))
            say("\n4. Funnel report — how far challenges got")
            StandardStreams.out(try await ReportCommand.render(.funnel, of: careStore, asOf: .now, format: .table))
            say("\n5. Geography report — per country")
            StandardStreams.out(try await ReportCommand.render(.geography, of: careStore, asOf: .now, format: .table))

            let contributions = try careStore.explain(.solutionsPresented, asOf: .now)
            say("\n6. Audit: the first of the \(contributions.count) events behind solutionsPresented")
            StandardStreams.out(ReportRendering.grid(["position", "event id"], contributions.prefix(5).map { [String($0.position), $0.eventID] },
                                                     format: .table, alignments: [.right, .left]))

            say("\n7. Verifying the hash chain and indexes")
            StandardStreams.out(try careStore.ledger.verify().description + "\n")
        } catch {
            await careStore.close()
            throw error
        }
        await careStore.close()
        say("\nTry: careledger report funnel --store \(store) --format json\n     careledger explain staffTrained --store \(store)\n     careledger diff kpi --store \(store) --from 2024-06-01T00:00:00Z --to 2025-06-01T00:00:00Z")
    }

    private func say(_ text: String) { StandardStreams.out(text + "\n") }
}
