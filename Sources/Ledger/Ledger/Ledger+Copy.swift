import Logging

extension Ledger {
    /// Writes a consistent copy of the whole store into the directory `directory`: a backup,
    /// or a copy to replay history from.
    ///
    /// The copy holds the log, its indexes and every table as of one snapshot: appends go on
    /// meanwhile and are not in it. It opens as a store of its own and verifies with the same
    /// head hash as this ledger had at that snapshot.
    ///
    /// With `compacting` (the default) the copy leaves out free space and lays every table out
    /// in key order, so the log lies in the file in position order. A store that grew by many
    /// small commits has its log pages scattered over the file (each commit reuses pages freed
    /// by earlier ones); a full replay of a compacted copy reads the file front to back instead,
    /// which is much faster when the replay keeps only part of the store mapped
    /// (``Configuration/scanResidentBudget``). Without it, the copy is page for page, a little
    /// faster to write.
    ///
    /// The copy is written to `data.mdb.partial`, flushed to disk, then renamed: a copy
    /// interrupted at any instant leaves no store in `directory`, and a later copy into it
    /// replaces the partial file. Files are created with mode 0600, a missing directory with
    /// mode 0700.
    ///
    /// Cost: reads the whole store once and writes the copy, on the calling thread; blocking.
    /// It holds one read snapshot throughout, so the store's file cannot reuse the pages
    /// appends free meanwhile, and a map growth of this ledger waits until the copy ends.
    ///
    /// - Parameters:
    ///   - directory: where to write the copy: a missing or empty directory (one left by an
    ///     interrupted copy is fine).
    ///   - compacting: whether to leave out free space and lay the log out in order.
    /// - Returns: where the copy is, and its size.
    /// - Throws: ``LedgerError/storage(_:)`` with ``StorageError/Code/fileExists`` when
    ///   `directory` holds anything else (a store among it), ``StorageError/Code/notADirectory``
    ///   when it is a file, or the failure of reading the store or writing the copy (for example
    ///   ``StorageError/Code/noSpace``); the operation names the path.
    @discardableResult
    public func copy(to directory: String, compacting: Bool = true) throws -> StoreCopy {
        do {
            let bytes = try environment.copy(toDirectory: directory, compacting: compacting)
            configuration.logger.debug(
                "copied store", metadata: ["to": "\(directory)", "bytes": "\(bytes)", "compacted": "\(compacting)"])
            return StoreCopy(directory: directory, bytes: bytes, isCompacted: compacting)
        } catch {
            throw LedgerError.storage(error)
        }
    }
}
