import ArgumentParser
import Ledger

/// The `--store DIR` option every command over a store takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store: a directory holding an LMDB environment.", valueName: "dir"))
    var store: String

    /// Opens the store, which must exist (for commands that only read).
    ///
    /// - Throws: ``CommandError/noStore(_:)`` when there is no store at the path, so a typo
    ///   does not create an empty store and report zeros.
    func openExisting() throws -> Ledger {
        guard FileSystem.isDirectory(store), FileSystem.exists(store + "/data.mdb") else {
            throw CommandError.noStore(store)
        }
        return try Ledger(path: store)
    }
}
