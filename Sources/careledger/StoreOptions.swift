import ArgumentParser
import CareLedger
import Ledger
import Logging
import Projections

/// The `--store DIR` option every command over a store takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store: a directory holding an LMDB environment.", valueName: "dir"))
    var store: String

    /// Opens the store's ledger, which must exist (for commands that only read the log).
    ///
    /// - Throws: ``CommandError/noStore(_:)`` when there is no store at the path, so a typo
    ///   does not create an empty store and report zeros.
    func openLedger() throws -> Ledger {
        try requireExisting()
        return try Ledger(path: store)
    }

    /// Opens the store with its rules and reports; `create` allows a new store.
    func openStore(create: Bool = false, maximumEventSize: Int? = nil) async throws -> CareStore {
        if !create { try requireExisting() }
        var configuration = CareStore.Configuration.commandLine
        if let maximumEventSize { configuration.ledger.limits.maximumEventSize = maximumEventSize }
        return try await CareStore(path: store, configuration: configuration)
    }

    private func requireExisting() throws {
        guard FileSystem.isDirectory(store), FileSystem.exists(store + "/data.mdb") else {
            throw CommandError.noStore(store)
        }
    }
}

extension CareStore.Configuration {
    /// The command line's configuration: the library's informational log lines stay out of the
    /// output; warnings and errors still reach standard error.
    static var commandLine: CareStore.Configuration {
        var configuration = CareStore.Configuration()
        configuration.ledger.logger.logLevel = .warning
        configuration.engine.logger.logLevel = .warning
        return configuration
    }
}
