import Projections

/// The funnel's times of each challenge — when it was reported, then when it entered each
/// stage from screening — as ``rowWords`` microsecond timestamps per challenge number.
///
/// Kept in chunks of ``rowsPerChunk`` rows, so the column grows without copying and without
/// the up-to-half-empty capacity of an array grown by doubling: at most one chunk is partly
/// unused. At 1.1 M challenges that is 53 MB where a doubled array held 67 MB (and 100 MB at
/// its last growth, old and new copies together).
struct StageTimes: Sendable, Hashable {
    /// Words per challenge: the report time, then 5 entry times.
    static let rowWords = 1 + ChallengeProgress.advancedStages
    /// Rows per chunk: 16,384 (768 KiB).
    static let rowsPerChunk = 1 << chunkShift
    private static let chunkShift = 14

    /// The number of rows.
    private(set) var rows = 0
    private var chunks: [[Int64]] = []

    /// No rows.
    init() {}

    /// Adds a row of unknown times (``ChallengeProgress/noTime``) for the next challenge number.
    @inline(__always)
    mutating func appendRow() {
        if rows & (Self.rowsPerChunk - 1) == 0 {
            chunks.append([Int64](repeating: ChallengeProgress.noTime, count: Self.rowsPerChunk * Self.rowWords))
        }
        rows += 1
    }

    /// Time `word` of row `row` (0 the report, 1 … 5 the entry into each stage).
    @inline(__always)
    subscript(row: Int, word: Int) -> Int64 {
        get { chunks[row >> Self.chunkShift][(row & (Self.rowsPerChunk - 1)) &* Self.rowWords &+ word] }
        set { chunks[row >> Self.chunkShift][(row & (Self.rowsPerChunk - 1)) &* Self.rowWords &+ word] = newValue }
    }

    /// Calls `body` with each row's ``rowWords`` words, in row order. O(rows).
    func forEachRow(_ body: (UnsafeBufferPointer<Int64>) throws -> Void) rethrows {
        var left = rows
        for chunk in chunks where left > 0 {
            let taken = min(left, Self.rowsPerChunk)
            try chunk.withUnsafeBufferPointer { words in
                for row in 0 ..< taken {
                    try body(UnsafeBufferPointer(rebasing: words[row &* Self.rowWords ..< (row &+ 1) &* Self.rowWords]))
                }
            }
            left -= taken
        }
    }

    /// Writes the rows as one flat block (``FlatCoding``'s format): the same bytes as one array.
    func encode(to writer: inout ByteWriter) {
        let words = rows * Self.rowWords
        writer.writeLength(words * MemoryLayout<Int64>.size)
        writer.reserveCapacity(words * MemoryLayout<Int64>.size)
        var left = words
        for chunk in chunks where left > 0 {
            let taken = min(left, chunk.count)
            #if _endian(big)
            for word in chunk[..<taken] { withUnsafeBytes(of: word.littleEndian) { writer.bytes.append(contentsOf: $0) } }
            #else
            chunk.withUnsafeBytes { writer.bytes.append(contentsOf: $0.prefix(taken * MemoryLayout<Int64>.size)) }
            #endif
            left -= taken
        }
    }

    /// Reads `rows` rows written by ``encode(to:)``.
    ///
    /// - Throws: `StateDecodingError` when the block does not hold exactly `rows` rows.
    /// Cost: one copy of the block, chunk by chunk (what an as-of query restores from a
    /// snapshot).
    static func decode(from reader: inout ByteReader, rows: Int) throws -> StageTimes {
        #if _endian(big)
        let words: [Int64] = try reader.readFlat(count: rows * rowWords)
        return words.withUnsafeBytes { StageTimes(rows: rows, copying: $0) }
        #else
        let raw = try reader.readBytes()
        guard raw.count == rows * rowWords * MemoryLayout<Int64>.size else {
            throw StateDecodingError(offset: reader.offset, reason: "times of \(raw.count) bytes where \(rows) rows were expected")
        }
        return StageTimes(rows: rows, copying: raw)
        #endif
    }

    /// `rows` rows copied from `raw` (their words in host order), chunk by chunk.
    private init(rows: Int, copying raw: UnsafeRawBufferPointer) {
        self.rows = rows
        let chunkBytes = Self.rowsPerChunk * Self.rowWords * MemoryLayout<Int64>.size
        for start in stride(from: 0, to: raw.count, by: chunkBytes) {
            let part = UnsafeRawBufferPointer(rebasing: raw[start ..< min(start + chunkBytes, raw.count)])
            chunks.append([Int64](unsafeUninitializedCapacity: Self.rowsPerChunk * Self.rowWords) { chunk, count in
                UnsafeMutableRawBufferPointer(chunk).copyMemory(from: part)
                let copied = part.count / MemoryLayout<Int64>.size
                (chunk.baseAddress! + copied).initialize(repeating: ChallengeProgress.noTime, count: chunk.count - copied)
                count = chunk.count
            })
        }
    }
}
