extension Ledger {
    /// Checks the whole ledger: walks the log in order, recomputing every record's hash from
    /// its predecessor's, and checks that positions are gap-free, stream versions consecutive,
    /// (in a store of format 2) each record names its stream's previous position, every record
    /// has its id and stream index entries, the indexes hold nothing else, and the stored head
    /// matches the log.
    ///
    /// Runs in one read-only snapshot; appends go on meanwhile and are not checked.
    /// Cost: one SHA-256 and two index lookups per record; memory proportional to the number
    /// of streams.
    ///
    /// Before any of that, every page of the data file is checked on its own mapping (page
    /// numbers, node offsets and sizes within bounds), so that a damaged page is reported as an
    /// error instead of crashing the process inside the storage engine.
    ///
    /// - Returns: a report naming the first problem by position, or none.
    /// - Throws: ``LedgerError/storage(_:)`` when the store cannot be read at all, with code
    ///   ``StorageError/Code/corrupted`` naming the first damaged page when the file's page
    ///   structure is broken.
    public func verify() throws -> VerificationReport {
        try read { txn in
            // Inside the snapshot: while it is open, LMDB reuses no page that the snapshot or
            // any later commit can reach, so appends running meanwhile cannot rewrite pages
            // under the check.
            do {
                try PageStructureCheck.checkConfirmed(environment.path + "/data.mdb", depth: .everyPage, operation: "verify")
            } catch let error as StorageError {
                throw LedgerError.storage(error)
            }
            return try Verifier(txn: txn, layout: layout).run()
        }
    }
}

/// The checks of ``Ledger/verify()``, in one snapshot.
private struct Verifier {
    let txn: Transaction
    let layout: StoreLayout

    struct Found: Error {
        var problem: VerificationProblem
    }

    func run() throws -> VerificationReport {
        var head: UInt64 = 0
        var hash = RecordHash.zero
        // `head` and `hash` only advance past records that passed every check, so on a problem
        // they describe the verified prefix of the log.
        var streams: [[UInt8]: (version: UInt64, position: UInt64)] = [:]
        do {
            try txn.withCursor(layout.log) { cursor in
                var entry = try cursor.first()
                while let current = entry {
                    let expected = head + 1
                    guard current.key.count == 8 else {
                        throw Found(problem: .init(position: expected, kind: .malformedRecord("log key of \(current.key.count) bytes")))
                    }
                    let position = bigEndianUInt64(current.key)
                    guard position == expected else {
                        throw Found(problem: .init(position: expected, kind: .gap(expected: expected, found: position)))
                    }
                    hash = try check(current.value, at: position, after: hash, streams: &streams)
                    head = position
                    entry = try cursor.next()
                }
            }
            try checkHead(head: head, hash: hash)
            try checkStreamHeads(streams)
            try checkNoExtraEntries(in: [layout.ids] + (layout.recentIDs.map { [$0] } ?? []), name: "id", expected: head)
            let streamEntries = layout.chainsStreams
                ? streams.values.reduce(0) { $0 + $1.version / StoreLayout.streamCheckpointInterval } : head
            try checkNoExtraEntries(in: [layout.streams], name: "stream", expected: streamEntries)
        } catch let found as Found {
            return VerificationReport(head: head, headHash: hash, streams: streams.count, problem: found.problem)
        }
        return VerificationReport(head: head, headHash: hash, streams: streams.count, problem: nil)
    }

    /// Checks one record and its index entries; returns its hash.
    private func check(
        _ bytes: UnsafeRawBufferPointer, at position: UInt64, after previous: RecordHash,
        streams: inout [[UInt8]: (version: UInt64, position: UInt64)]
    ) throws -> RecordHash {
        func problem(_ kind: VerificationProblem.Kind) -> Found { Found(problem: .init(position: position, kind: kind)) }
        let record: RecordView
        do { record = try RecordView(validating: bytes) } catch { throw problem(.malformedRecord("\(error)")) }
        guard record.recordFormat == layout.recordFormat else {
            throw problem(.malformedRecord("record format \(record.recordFormat) in a store of format \(layout.format)"))
        }
        guard record.position == position else { throw problem(.positionMismatch(stored: record.position)) }
        guard (try? record.metadata()) != nil else { throw problem(.malformedRecord("metadata section is malformed")) }
        let hash = HashChain.hash(after: previous, canonical: record.canonicalBytes)
        guard hash == record.hash else { throw problem(.hashMismatch) }

        let stream = Array(record.streamBytes)
        let expectedVersion = (streams[stream]?.version ?? 0) + 1
        guard record.streamVersion == expectedVersion else {
            throw problem(.streamVersionMismatch(expected: expectedVersion, found: record.streamVersion))
        }
        if layout.chainsStreams {
            let expectedPrevious = streams[stream]?.position ?? 0
            guard record.previousPositionInStream == expectedPrevious else {
                throw problem(.streamChainMismatch(expected: expectedPrevious, found: record.previousPositionInStream))
            }
        }
        streams[stream] = (expectedVersion, position)

        guard try layout.storedPosition(ofID: record.idBytes, in: txn) == position else {
            throw problem(.missingIndexEntry(index: "id"))
        }
        if layout.hasStreamIndexEntry(forVersion: expectedVersion) {
            let key = StoreLayout.streamIndexKey(record.streamBytes, version: expectedVersion)
            guard try key.withUnsafeBytes({ try txn.get(layout.streams, $0) }).map({ bigEndianUInt64($0) }) == position else {
                throw problem(.missingIndexEntry(index: "stream"))
            }
        }
        return hash
    }

    /// The meta head and head hash must name the last record.
    private func checkHead(head: UInt64, hash: RecordHash) throws {
        let stored = try Chain.stored(in: txn, layout: layout)
        let storedHead = stored.head
        guard storedHead == head else {
            throw Found(problem: .init(position: Swift.min(storedHead, head) + 1, kind: .headMismatch("stored head is \(storedHead) but the log ends at \(head)")))
        }
        guard stored.hash == hash else {
            throw Found(problem: .init(position: Swift.max(head, 1), kind: .headMismatch("stored head hash differs from the last record's hash")))
        }
    }

    /// Every `heads` entry must give its stream's last version and position, and no other
    /// entries may exist.
    private func checkStreamHeads(_ streams: [[UInt8]: (version: UInt64, position: UInt64)]) throws {
        var seen = 0
        try txn.withCursor(layout.heads) { cursor in
            var entry = try cursor.first()
            while let current = entry {
                let version = current.value.count == 16 ? bigEndianUInt64(current.value) : 0
                let position = current.value.count == 16 ? bigEndianUInt64(current.value, at: 8) : 0
                guard let actual = streams[Array(current.key)], actual.version == version, actual.position == position else {
                    throw Found(problem: .init(position: Swift.max(position, 1), kind: .danglingIndexEntry(index: "stream head")))
                }
                seen += 1
                entry = try cursor.next()
            }
        }
        guard seen == streams.count else {
            let missing = streams.values.map(\.position).min() ?? 1
            throw Found(problem: .init(position: missing, kind: .missingIndexEntry(index: "stream head")))
        }
    }

    /// Each record has been matched to its own entry; an index (in one or two tiers) with more
    /// entries than `expected` holds one pointing nowhere: find it and name the position it
    /// points to.
    private func checkNoExtraEntries(in databases: [Database], name: String, expected: UInt64) throws {
        guard try databases.reduce(0, { $0 + (try txn.count($1)) }) != Int(expected) else { return }
        for database in databases { try checkEntries(of: database, name: name) }
    }

    /// Finds an entry of `database` whose record does not match it.
    private func checkEntries(of database: Database, name: String) throws {
        try txn.withCursor(database) { cursor in
            var entry = try cursor.first()
            while let current = entry {
                let position = current.value.count == 8 ? bigEndianUInt64(current.value) : 0
                let matches = try txn.get(layout.log, position: position).flatMap { try? RecordView(validating: $0) }.map { record in
                    name == "id"
                        ? record.idBytes.elementsEqual(current.key)
                        : current.key.elementsEqual(StoreLayout.streamIndexKey(record.streamBytes, version: record.streamVersion))
                } ?? false
                if !matches {
                    throw Found(problem: .init(position: Swift.max(position, 1), kind: .danglingIndexEntry(index: name)))
                }
                entry = try cursor.next()
            }
        }
    }
}
