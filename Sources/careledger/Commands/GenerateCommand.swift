import ArgumentParser
import CareLedger
import Ledger

/// `careledger generate`.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a generated, realistic history as JSON Lines to standard output (the same seed gives the same history)."
    )

    @Option(help: "Number of events.")
    var events: Int

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 42

    func validate() throws {
        guard events >= 0 else { throw ValidationError("--events must not be negative") }
    }

    func run() throws {
        let writer = JSONLinesWriter.standardOutput()
        let bar = ProgressBar("generating", total: UInt64(events))
        var written: UInt64 = 0
        for event in CareHistory(seed: seed, count: events) {
            try writer.write(event.line)
            written += 1
            if written & 1023 == 0 { bar.update(written) }
        }
        try writer.flush()
        bar.finish()
    }
}
