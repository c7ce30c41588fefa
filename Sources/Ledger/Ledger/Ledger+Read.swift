internal import CLMDB

extension Ledger {
    /// The position of the last event in the log; 0 for an empty log.
    ///
    /// Cost: one read transaction and one key lookup.
    ///
    /// - Throws: ``LedgerError/storage(_:)``.
    public var head: UInt64 {
        get throws {
            try read { txn in try Chain.stored(in: txn, layout: layout).head }
        }
    }

    /// The version of `stream`: the number of events in it, 0 when it does not exist.
    ///
    /// - Throws: ``LedgerError/storage(_:)``.
    public func version(of stream: String) throws -> UInt64 {
        // A name no append accepts names no stream (and is no valid key to look up).
        guard !stream.isEmpty, stream.utf8.count <= LedgerLimits.maximumStreamNameLength else { return 0 }
        return try read { txn in
            try stream.withUTF8Bytes { try txn.get(layout.heads, $0) }.map { bigEndianUInt64($0) } ?? 0
        }
    }

    /// The event at `position`, or `nil` when the log is shorter.
    ///
    /// - Throws: ``LedgerError/corruptRecord(position:reason:)`` or ``LedgerError/storage(_:)``.
    public func event(at position: UInt64) throws -> RecordedEvent? {
        try read { txn in try Self.recordedEvent(at: position, in: txn, layout: layout) }
    }

    /// The event with id `id`, or `nil` when there is none.
    ///
    /// - Throws: ``LedgerError/corruptRecord(position:reason:)`` or ``LedgerError/storage(_:)``.
    public func event(withID id: String) throws -> RecordedEvent? {
        guard !id.isEmpty, id.utf8.count <= LedgerLimits.maximumEventIDLength else { return nil }
        return try read { txn in
            guard let position = try id.withUTF8Bytes({ try layout.storedPosition(ofID: $0, in: txn) })
            else { return nil }
            return try Self.recordedEvent(at: position, in: txn, layout: layout)
        }
    }

    /// Calls `body` with every record from `start` through `end` (or the head), in log order,
    /// inside one read-only snapshot, until `body` returns `false`.
    ///
    /// This is the replay loop: records are views of the memory map, nothing is copied or
    /// allocated per record, and a consumer reads only the header fields and bytes it needs.
    /// The view passed to `body` is valid only during that call. Appends go on while it runs
    /// and are not seen by it.
    ///
    /// - Returns: the position of the last record passed to `body`, or `max(start, 1) - 1` if none.
    /// - Throws: ``LedgerError/corruptRecord(position:reason:)`` for a malformed record, what
    ///   `body` throws, or ``LedgerError/storage(_:)``.
    @discardableResult
    public func forEachRecord(
        from start: UInt64 = 1, through end: UInt64 = .max, _ body: (RecordView) throws -> Bool
    ) throws -> UInt64 {
        try read { txn in
            try Self.forEachRecord(from: start, through: end, in: txn, layout: layout, body)
        }
    }

    static func forEachRecord(
        from start: UInt64, through end: UInt64, in txn: Transaction, layout: StoreLayout,
        _ body: (RecordView) throws -> Bool
    ) throws -> UInt64 {
        var last = Swift.max(start, 1) - 1
        try forEachRecordGroup(from: start, through: end, in: txn, layout: layout) { first, group in
            for (index, record) in group.enumerated() {
                last = first + UInt64(index)
                guard try body(record) else { return false }
            }
            return true
        }
        return last
    }

    /// The number of records ``forEachRecordGroup(from:through:in:layout:_:)`` hands over at
    /// most at once.
    static let recordGroupSize = 16

    /// Records are taken from the cursor in small groups whose first cache lines are
    /// prefetched before any is parsed: walking the B-tree touches only page and node headers,
    /// so without the hint every record's header load would wait on memory. A group holds
    /// consecutive positions; a record that fails validation ends the scan with
    /// ``LedgerError/corruptRecord(position:reason:)`` after the valid records before it are
    /// handed over. `body` receives the position of the group's first record (by the log's
    /// key) and the records.
    ///
    /// - Returns: the position of the last record handed over (`start - 1` if none).
    @discardableResult
    static func forEachRecordGroup(
        from start: UInt64, through end: UInt64, in txn: Transaction, layout: StoreLayout,
        _ body: (UInt64, UnsafeBufferPointer<RecordView>) throws -> Bool
    ) throws -> UInt64 {
        let start = Swift.max(start, 1)
        var last = start - 1
        guard start <= end else { return last }
        let group = recordGroupSize
        var pages = ScanPageReleaser(txn.residency)
        defer { pages.flush() }
        try txn.withCursor(layout.log) { cursor in
            try withUnsafeTemporaryAllocation(of: UnsafeRawBufferPointer.self, capacity: group) { values in
                try withUnsafeTemporaryAllocation(of: RecordView.self, capacity: group) { records in
                    var entry = try withBigEndianBytes(of: start) { try cursor.seek(atLeast: $0) }
                    var position = entry.map { bigEndianUInt64($0.key) } ?? 0
                    var done = false
                    var lastPage: UInt = 0
                    // LMDB's pages are the system's (4 KiB here, 16 KiB on some arm64 systems).
                    let pageSize = ScanResidency.pageSize
                    while !done, let first = entry {
                        // Gather up to `group` records with consecutive positions through `end`.
                        var count = 0
                        var current: Cursor.Entry? = first
                        while let this = current, count < group {
                            let key = bigEndianUInt64(this.key)
                            if key > end { done = true; break }
                            guard key == position + UInt64(count) else { break }
                            clmdb_prefetch(this.value.baseAddress)
                            Self.prefetchAhead(of: this.value, pageSize: pageSize, lastPage: &lastPage)
                            values[count] = this.value
                            count += 1
                            current = try cursor.next()
                        }
                        entry = current
                        if count == 0 {
                            // A key out of sequence (a damaged log): report it as it is.
                            guard let this = current, bigEndianUInt64(this.key) <= end else { break }
                            position = bigEndianUInt64(this.key)
                            continue
                        }
                        for index in 0 ..< count { pages.note(values[index]) }
                        var valid = 0
                        var failure: RecordFormatError?
                        while valid < count {
                            do throws(RecordFormatError) {
                                (records.baseAddress! + valid).initialize(to: try RecordView(validating: values[valid]))
                            } catch {
                                failure = error
                                break
                            }
                            valid += 1
                        }
                        if valid > 0 {
                            last = position + UInt64(valid) - 1
                            if try !body(position, UnsafeBufferPointer(rebasing: records[0 ..< valid])) { done = true }
                        }
                        if let failure, !done {
                            throw LedgerError.corruptRecord(position: position + UInt64(valid), reason: "\(failure)")
                        }
                        position += UInt64(count)
                    }
                }
            }
        }
        return last
    }

    /// Hints the memory the cursor reads next after the record `value`: the records below it
    /// in its page (LMDB fills a page from its end down, so appended keys descend in
    /// memory), and, on its first record of a page, the header and the top of the page after
    /// it (where an append places the log's next leaf, see <doc:AppendingEvents>). Without
    /// these, the cursor's read of each node header is a cache miss (a fifth of a 2-thread
    /// replay's samples). `pageSize` is LMDB's page size, the system's. Never faults: a hint
    /// at a page that is not mapped is dropped.
    @inline(__always)
    static func prefetchAhead(of value: UnsafeRawBufferPointer, pageSize: UInt, lastPage: inout UInt) {
        guard let base = value.baseAddress else { return }
        let page = UInt(bitPattern: base) & ~(pageSize &- 1)
        clmdb_prefetch(base - 64)
        clmdb_prefetch(base - 128)
        clmdb_prefetch(base - 192)
        clmdb_prefetch(base - 256)
        if page != lastPage {
            lastPage = page
            let next = UnsafeRawPointer(bitPattern: page &+ pageSize)!
            let top = next + Int(pageSize)
            clmdb_prefetch(next)
            for line in 1 ... 6 { clmdb_prefetch(top - 64 * line) }
        }
    }

    static func recordedEvent(at position: UInt64, in txn: Transaction, layout: StoreLayout) throws -> RecordedEvent? {
        guard let bytes = try txn.get(layout.log, position: position) else { return nil }
        do {
            return try RecordedEvent(RecordView(validating: bytes))
        } catch {
            throw LedgerError.corruptRecord(position: position, reason: "\(error)")
        }
    }
}

/// What one scan reports to its environment's ``ScanResidency``: the 2 MiB blocks of the map
/// its records lie in, a few at a time, so that the blocks all scans have mapped stay within
/// one budget (the least recently used are unmapped beyond it). Per record it compares the
/// record's block with the last one; the rest happens once per block entered.
struct ScanPageReleaser: ~Copyable {
    private let residency: ScanResidency?
    private let blocks: UnsafeMutableBufferPointer<UInt>
    private var count = 0
    private var lastBlock = UInt.max
    private var lowest = UInt.max
    private var highest: UInt = 0

    init(_ residency: Unmanaged<ScanResidency>?) {
        self.residency = residency?.takeUnretainedValue()
        blocks = .allocate(capacity: ScanResidency.batch)
    }

    deinit { blocks.deallocate() }

    /// Counts one record the scan has read.
    @inline(__always)
    mutating func note(_ record: UnsafeRawBufferPointer) {
        let address = UInt(bitPattern: record.baseAddress)
        let block = address >> ScanResidency.blockShift
        if block == lastBlock { return }
        enter(block, address: address, end: address &+ UInt(record.count))
    }

    /// Counts every block of `bytes` (a value read in place, which may span many blocks).
    mutating func note(spanning bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let start = UInt(bitPattern: base)
        let end = start &+ UInt(bytes.count)
        for block in (start >> ScanResidency.blockShift) ... ((end &- 1) >> ScanResidency.blockShift) {
            enter(block, address: start, end: end)
        }
    }

    private mutating func enter(_ block: UInt, address: UInt, end: UInt) {
        lastBlock = block
        lowest = Swift.min(lowest, address)
        highest = Swift.max(highest, end)
        for index in 0 ..< count where blocks[index] == block { return }
        blocks[count] = block
        count += 1
        if count == ScanResidency.batch { flush() }
    }

    /// Reports the blocks entered since the last report. Call while the transaction is open.
    mutating func flush() {
        guard count > 0 else { return }
        residency?.use(UnsafeMutableBufferPointer(rebasing: blocks[0 ..< count]), lowest: lowest, highest: highest)
        count = 0
        lastBlock = .max
    }
}
