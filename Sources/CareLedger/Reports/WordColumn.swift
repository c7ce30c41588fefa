#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Projections

/// A fixed-size array of 64-bit words with value semantics, whose large buffers are mapped from
/// the operating system directly: the memory of a report's entity table.
///
/// A buffer of at least ``mappingThreshold`` bytes is an anonymous memory mapping, not a `malloc`
/// block: it starts zeroed without being written, and is given back to the system the moment
/// the last copy is gone. Tables of tens of megabytes allocated through `malloc` below its own
/// mapping threshold (which grows as large blocks are freed) stay in its per-thread arenas
/// after they are freed, so a process that replays again and again would keep the tables of
/// earlier replays resident.
///
/// Copies share the buffer until one of them is written (copy on write, like `Array`).
struct WordColumn: Sendable, Hashable {
    /// Buffers of this many bytes or more (1 MiB) are mapped.
    static let mappingThreshold = 1 << 20

    /// The size of a huge page on Linux's x86-64 and arm64 (4 KiB base pages): 2 MiB. A
    /// column of at least this many bytes is mapped at a huge page boundary (see `Storage.map`).
    static let hugePage = 2 << 20

    private var storage: Storage

    /// `count` zero words.
    init(zeros count: Int) {
        storage = Storage(count: count, zeroed: true)
    }

    /// The words of `bytes` (host byte order), which must be a whole number of words.
    init(copying bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count % 8 == 0, "not a whole number of words")
        storage = Storage(count: bytes.count / 8, zeroed: false)
        if let source = bytes.baseAddress, !bytes.isEmpty {
            UnsafeMutableRawPointer(storage.base).copyMemory(from: source, byteCount: bytes.count)
        }
    }

    /// The number of words.
    var count: Int { storage.count }

    /// The word at `index`; writing it first copies a buffer shared with another copy.
    @inline(__always)
    subscript(index: Int) -> UInt64 {
        get {
            precondition(UInt(bitPattern: index) < UInt(bitPattern: storage.count), "index out of range")
            return storage.base[index]
        }
        set {
            precondition(UInt(bitPattern: index) < UInt(bitPattern: storage.count), "index out of range")
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            storage.base[index] = newValue
        }
    }

    /// Calls `body` with the words, read-only.
    @inline(__always)
    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<UInt64>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(UnsafeBufferPointer(start: storage.base, count: storage.count)) }
    }

    /// Appends the words as ``FlatCoding``'s flat block: their byte count, then their bytes.
    func encode(to writer: inout ByteWriter) {
        withUnsafeBufferPointer { words in
            #if _endian(big)
            writer.writeFlat(words.map { $0 })
            #else
            writer.write(UnsafeRawBufferPointer(words))
            #endif
        }
    }

    /// Reads a flat block written by ``encode(to:)`` (or by `writeFlat` of a `[UInt64]`).
    ///
    /// - Throws: `StateDecodingError` when the block is not a whole number of words.
    static func decode(from reader: inout ByteReader) throws -> WordColumn {
        #if _endian(big)
        let words: [UInt64] = try reader.readFlat()
        return words.withUnsafeBytes { WordColumn(copying: $0) }
        #else
        let raw = try reader.readBytes()
        guard raw.count % 8 == 0 else {
            throw StateDecodingError(offset: reader.offset, reason: "array of \(raw.count) bytes is not whole 8-byte elements")
        }
        return WordColumn(copying: raw)
        #endif
    }

    static func == (lhs: WordColumn, rhs: WordColumn) -> Bool {
        lhs.storage === rhs.storage || (lhs.count == rhs.count
            && lhs.withUnsafeBufferPointer { a in rhs.withUnsafeBufferPointer { b in memcmp(a.baseAddress!, b.baseAddress!, a.count * 8) == 0 } })
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        withUnsafeBufferPointer { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// The buffer: mapped from the system at ``mappingThreshold`` bytes or more, else allocated.
    private final class Storage: @unchecked Sendable {
        let base: UnsafeMutablePointer<UInt64>
        let count: Int
        private let mappedBytes: Int

        init(count: Int, zeroed: Bool) {
            self.count = count
            let bytes = Swift.max(count, 1) * 8
            if bytes >= WordColumn.mappingThreshold, let mapped = Self.map(bytes) {
                // A fresh anonymous mapping reads as zeros.
                base = mapped.base.bindMemory(to: UInt64.self, capacity: count)
                mappedBytes = mapped.bytes
            } else {
                base = .allocate(capacity: Swift.max(count, 1))
                if zeroed { base.initialize(repeating: 0, count: count) }
                mappedBytes = 0
            }
        }

        /// A private anonymous mapping of at least `bytes`, present and writable (see
        /// ``populate``); or `nil`.
        ///
        /// On Linux, one of ``WordColumn/hugePage`` bytes or more is rounded up to whole huge
        /// pages at a huge page boundary, and asked to be backed by them (`MADV_HUGEPAGE`, which the
        /// default `madvise` mode of transparent huge pages waits for): a table is then made
        /// present a 2 MiB page at a time, which cut the time to restore a report's snapshot
        /// at 10 M events by about 40%, and its translations take fewer entries of the processor's
        /// cache of them (full replays measured the same as with base pages). Where the kernel
        /// declines, the mapping keeps base pages and works the same.
        static func map(_ bytes: Int) -> (base: UnsafeMutableRawPointer, bytes: Int)? {
            #if os(Linux)
            let huge = WordColumn.hugePage
            if bytes >= huge {
                let length = (bytes + huge - 1) / huge * huge
                guard let reserved = mmap(nil, length + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                      reserved != MAP_FAILED
                else { return nil }
                // Keep the huge-page-aligned `length` bytes inside the reservation.
                let start = (Int(bitPattern: reserved) + huge - 1) / huge * huge
                let head = start - Int(bitPattern: reserved)
                if head > 0 { munmap(reserved, head) }
                if huge - head > 0 { munmap(reserved + head + length, huge - head) }
                let base = reserved + head
                _ = madvise(base, length, MADV_HUGEPAGE)
                // Present and writable now, as `MAP_POPULATE` makes them (see `populate`):
                // `MADV_POPULATE_WRITE` (Linux 5.14) is the same after the fact. Older kernels
                // refuse it: a write to each base page then maps it, without the read that
                // would first map the shared zero page.
                if madvise(base, length, Self.populateWrite) != 0 {
                    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
                    for offset in stride(from: 0, to: length, by: page) { base.storeBytes(of: 0, toByteOffset: offset, as: UInt64.self) }
                }
                return (base, length)
            }
            #endif
            guard let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | Self.populate, -1, 0),
                  mapped != MAP_FAILED
            else { return nil }
            return (mapped, bytes)
        }

        /// Linux's `MADV_POPULATE_WRITE` (23), which Glibc's headers name only since 2.35.
        static let populateWrite: Int32 = 23

        /// Linux's `MAP_POPULATE`: the mapping's pages are made present, zeroed and writable, in
        /// one call. A buffer is filled soon after it is made (a table's cells rehashed into it,
        /// or a copy), and page by page its first read would map the shared zero page, which
        /// the write after it must then replace: a fault, and on a process whose threads run
        /// on other processors, an interrupt to each of them to flush the old translation.
        #if os(Linux)
        static let populate = MAP_POPULATE
        #else
        static let populate: Int32 = 0
        #endif

        func copy() -> Storage {
            let copy = Storage(count: count, zeroed: false)
            copy.base.initialize(from: base, count: count)
            return copy
        }

        deinit {
            if mappedBytes > 0 {
                munmap(UnsafeMutableRawPointer(base), mappedBytes)
            } else {
                base.deallocate()
            }
        }
    }
}
