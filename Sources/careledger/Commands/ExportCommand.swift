import ArgumentParser
import CareLedger
import Ledger

/// `careledger export`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the log as JSON Lines to standard output, in log order, every field preserved."
    )

    @OptionGroup var options: StoreOptions

    @Option(help: ArgumentHelp("Start at this log position.", valueName: "n"))
    var fromPosition: UInt64 = 1

    func validate() throws {
        guard fromPosition >= 1 else { throw ValidationError("--from-position starts at 1") }
    }

    func run() async throws {
        let store = try await options.openStore()
        let writer = JSONLinesWriter.standardOutput()
        do {
            _ = try store.exportEvents(to: writer, from: fromPosition)
            try writer.flush()
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}
