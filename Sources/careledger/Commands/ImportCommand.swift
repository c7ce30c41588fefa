import ArgumentParser
import CareLedger
import Ledger

/// `careledger import FILE`.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import events from a JSON Lines file: the whole file is checked first, and nothing is imported if any line is bad.",
        discussion: "Re-running an import is safe: events already stored with the same content are skipped, so an interrupted import completes."
    )

    @OptionGroup var options: StoreOptions

    @Argument(help: ArgumentHelp("The JSON Lines file, one event per line.", valueName: "file"))
    var file: String

    @Option(help: "Events per committed batch.")
    var batchSize: Int = ImportOptions().maximumBatchSize

    @Option(help: ArgumentHelp("Refuse events larger than this, encoded (the ledger's maximum event size).", valueName: "bytes"))
    var maxEventSize: Int = LedgerLimits().maximumEventSize

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1") }
        guard maxEventSize >= 256 else { throw ValidationError("--max-event-size must be at least 256 bytes") }
    }

    func run() async throws {
        guard FileSystem.exists(file) else { throw CommandError.noFile(file) }
        let store = try await options.openStore(create: true, maximumEventSize: maxEventSize)
        let bar = ProgressBar("importing", total: nil, unit: "events")
        var importOptions = ImportOptions()
        importOptions.maximumBatchSize = batchSize
        let summary: ImportSummary
        do {
            summary = try await store.importEvents(fromFile: file, options: importOptions) { progress in
                bar.update(UInt64(progress.linesCommitted))
            }
        } catch let error as ImportError {
            bar.finish()
            await store.close()
            throw CommandError.importRefused(file: file, error)
        }
        bar.finish()
        await store.close()
        let seconds = (summary.validationDuration + summary.commitDuration).seconds
        StandardStreams.out(
            "imported \(summary.eventsStored) events from \(file) (\(summary.eventsAlreadyStored) already stored) "
                + "in \(summary.batches) batches; checked in \(Formatting.duration(summary.validationDuration.seconds)), "
                + "committed in \(Formatting.duration(summary.commitDuration.seconds)), "
                + "\(Formatting.rate(seconds > 0 ? Double(summary.lines) / seconds : 0)) events/s\n")
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
