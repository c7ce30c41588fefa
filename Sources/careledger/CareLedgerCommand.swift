import ArgumentParser

/// `careledger`: the analyst's tool over a CareLedger store.
@main
struct CareLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "careledger",
        abstract: "Record, audit and report health-and-care innovation work from an event ledger.",
        discussion: """
            A store is a directory holding an LMDB environment; commands that write create it. \
            Errors go to standard error with a non-zero exit status: 1 for a failure, 2 for a \
            store that does not verify, 64 for a usage error.
            """,
        version: "0.2.0",
        subcommands: [
            ImportCommand.self, ExportCommand.self, ReportCommand.self, ExplainCommand.self, DiffCommand.self,
            ReplayCommand.self, Verify.self, Stats.self, CopyCommand.self, GenerateCommand.self, DemoCommand.self,
        ]
    )
}
