#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks the page structure of an LMDB data file before LMDB itself reads it.
///
/// LMDB trusts its file: a flipped byte in a page header or a node offset makes it read
/// outside the page or the map, and the process dies of `SIGSEGV` or `SIGBUS`. This check
/// reads the file on its own read-only mapping, with every offset and page number tested
/// against its bounds, and reports the first page that LMDB could not read safely:
///
/// - both meta pages (flags, magic, format version, page size, last page within the file);
/// - every tree reachable from the newest meta: the free-page tree, the main tree and each
///   named database in it — page numbers in range and matching their header, page kinds,
///   node pointers and sizes inside their page, branch children one level down, overflow
///   runs inside the file, no page reached twice;
/// - the free lists: page numbers in range and not used by any tree.
///
/// Key order and record contents are not checked here; the log's hash chain covers contents.
/// Cost: with `.metaAndCatalog`, the two meta pages and the (small) free and main trees; with
/// `.everyPage`, one read of every page the trees use.
struct PageStructureCheck {
    enum Depth {
        /// Meta pages, the free-page tree and the main tree (not the named databases).
        case metaAndCatalog
        /// Every tree, every page.
        case everyPage
    }

    /// A page LMDB could not read safely.
    struct Damage: Error, CustomStringConvertible {
        var page: UInt64
        var reason: String
        /// The file does not start like an LMDB data file at all: not a damaged store, not a store.
        var notAStore = false
        var description: String { "page \(page): \(reason)" }
    }

    // LMDB 0.9 on a 64-bit platform: page header, node and database record layouts.
    private static let pageHeaderSize = 16
    private static let nodeHeaderSize = 8
    private static let databaseRecordSize = 48
    private static let invalidPage = UInt64.max
    private static let metaMagic: UInt32 = 0xBEEF_C0DE
    private static let branchFlag: UInt16 = 0x01, leafFlag: UInt16 = 0x02, overflowFlag: UInt16 = 0x04, metaFlag: UInt16 = 0x08
    private static let bigDataFlag: UInt16 = 0x01, subDatabaseFlag: UInt16 = 0x02, duplicatesFlag: UInt16 = 0x04

    private let bytes: UnsafeRawBufferPointer
    private var pageSize = 4096
    private var lastPage: UInt64 = 0
    private var used: [UInt64] = []

    /// Checks the data file `path` (a store's `data.mdb`). A missing or empty file passes: LMDB
    /// creates it.
    ///
    /// - Throws: ``Damage`` for the first unsafe page, or ``StorageError`` when the file
    ///   cannot be read.
    static func check(file path: String, depth: Depth) throws -> Void {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return }
            throw StorageError(.init(rawValue: errno), operation: "open \(path)")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw StorageError(.init(rawValue: errno), operation: "stat \(path)") }
        let size = Int(info.st_size)
        if size == 0 { return }
        guard let map = mmap(nil, size, PROT_READ, MAP_SHARED, descriptor, 0), map != MAP_FAILED else {
            throw StorageError(.init(rawValue: errno), operation: "map \(path) for checking")
        }
        defer { munmap(map, size) }
        var check = PageStructureCheck(bytes: UnsafeRawBufferPointer(start: map, count: size))
        try check.run(depth)
    }

    /// The check ``LMDBEnvironment`` runs before opening: meta pages, free and main trees.
    /// Another process committing meanwhile can make a page look misplaced, so a damage seen
    /// is confirmed by a second look before it is reported.
    ///
    /// - Throws: ``StorageError`` with code ``StorageError/Code/corrupted`` naming the page.
    static func checkBeforeOpening(_ file: String) throws(StorageError) {
        try checkConfirmed(file, depth: .metaAndCatalog, operation: "open store")
    }

    /// Runs `check` and turns a damage confirmed by a second run into a ``StorageError``.
    static func checkConfirmed(_ file: String, depth: Depth, operation: String) throws(StorageError) {
        for attempt in 1 ... 2 {
            do {
                try check(file: file, depth: depth)
                return
            } catch let damage as Damage {
                if damage.notAStore { throw StorageError(.invalid, operation: "\(operation) \(file): not an LMDB data file") }
                if attempt == 2 { throw StorageError(.corrupted, operation: "\(operation) \(file): \(damage)") }
            } catch let error as StorageError {
                throw error
            } catch {
                throw StorageError(.corrupted, operation: "\(operation) \(file): \(error)")
            }
        }
    }

    private init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private mutating func run(_ depth: Depth) throws(Damage) {
        let meta = try newestMeta()
        lastPage = load(meta + 120, UInt64.self)
        let pages = UInt64(bytes.count / pageSize)
        guard lastPage >= 1, lastPage < pages else {
            throw Damage(page: 0, reason: "the file ends at page \(pages) but the meta page uses pages up to \(lastPage): truncated")
        }
        used = [UInt64](repeating: 0, count: Int(lastPage / 64) + 1)
        markUsed(0)
        markUsed(1)
        var freeLists: [(page: UInt64, data: UnsafeRawBufferPointer)] = []
        try walk(database: meta + 24, name: "free pages") { page, node, data in freeLists.append((page, data)) }
        var named: [(page: UInt64, offset: Int, name: String)] = []
        try walk(database: meta + 72, name: "main") { page, node, _ in
            if node.flags & PageStructureCheck.subDatabaseFlag != 0 { named.append((page, node.dataOffset, node.keyName)) }
        }
        if depth == .everyPage {
            for database in named { try walk(database: database.offset, name: database.name) { _, _, _ in } }
        }
        for list in freeLists { try checkFreeList(list.data, in: list.page, depth: depth) }
    }

    /// The offset of the meta record LMDB will use: the valid one with the larger transaction id.
    private mutating func newestMeta() throws(Damage) -> Int {
        guard bytes.count >= 2 * PageStructureCheck.pageHeaderSize + 2 * 152 else {
            throw Damage(page: 0, reason: "the file is too short to hold the two meta pages", notAStore: true)
        }
        let size = Int(load(PageStructureCheck.pageHeaderSize + 24, UInt32.self))
        guard size >= 512, size <= 65536, size & (size - 1) == 0, bytes.count >= 2 * size else {
            throw Damage(page: 0, reason: "the meta page gives an impossible page size", notAStore: load(16, UInt32.self) != PageStructureCheck.metaMagic)
        }
        pageSize = size
        var best: (offset: Int, txn: UInt64)?
        for page in 0 ..< 2 {
            let base = page * size
            guard load(base + 10, UInt16.self) & PageStructureCheck.metaFlag != 0,
                  load(base + 16, UInt32.self) == PageStructureCheck.metaMagic, load(base + 20, UInt32.self) == 1,
                  Int(load(base + 16 + 24, UInt32.self)) == size
            else { throw Damage(page: UInt64(page), reason: "not a valid LMDB meta page", notAStore: page == 0) }
            let txn = load(base + 16 + 128, UInt64.self)
            if best == nil || txn > best!.txn { best = (base + 16, txn) }
        }
        return best!.offset
    }

    private struct Node {
        var flags: UInt16
        var keyOffset: Int
        var keySize: Int
        var dataOffset: Int
        var dataSize: Int
        var keyName: String
    }

    /// Walks the tree whose database record is at `record`, calling `leaf` for each leaf node.
    private mutating func walk(
        database record: Int, name: String, _ leaf: (UInt64, Node, UnsafeRawBufferPointer) throws(Damage) -> Void
    ) throws(Damage) {
        let root = load(record + 40, UInt64.self)
        let depth = Int(load(record + 6, UInt16.self))
        if root == PageStructureCheck.invalidPage { return }
        guard depth >= 1, depth <= 32 else { throw Damage(page: root, reason: "database \(name) claims depth \(depth)") }
        try walkPage(root, levelsLeft: depth, database: name, leaf)
    }

    private mutating func walkPage(
        _ page: UInt64, levelsLeft: Int, database: String, _ leaf: (UInt64, Node, UnsafeRawBufferPointer) throws(Damage) -> Void
    ) throws(Damage) {
        try claim(page, database: database)
        let base = Int(page) * pageSize
        guard load(base, UInt64.self) == page else { throw Damage(page: page, reason: "header names page \(load(base, UInt64.self)) (\(database))") }
        let flags = load(base + 10, UInt16.self)
        let lower = Int(load(base + 12, UInt16.self)), upper = Int(load(base + 14, UInt16.self))
        let isBranch = flags & PageStructureCheck.branchFlag != 0, isLeaf = flags & PageStructureCheck.leafFlag != 0
        guard isBranch != isLeaf, flags & ~(PageStructureCheck.branchFlag | PageStructureCheck.leafFlag | 0x10) == 0 else {
            throw Damage(page: page, reason: "unexpected page kind \(flags) (\(database))")
        }
        guard isLeaf == (levelsLeft == 1) else { throw Damage(page: page, reason: "tree levels disagree with the database's depth (\(database))") }
        guard lower >= PageStructureCheck.pageHeaderSize, lower & 1 == 0, lower <= upper, upper <= pageSize else {
            throw Damage(page: page, reason: "node table bounds \(lower)…\(upper) outside the page (\(database))")
        }
        let count = (lower - PageStructureCheck.pageHeaderSize) / 2
        guard count > 0 || (isLeaf && levelsLeft == 1) else { throw Damage(page: page, reason: "empty branch page (\(database))") }
        for index in 0 ..< count {
            let offset = Int(load(base + PageStructureCheck.pageHeaderSize + 2 * index, UInt16.self))
            guard offset >= upper, offset & 1 == 0, offset + PageStructureCheck.nodeHeaderSize <= pageSize else {
                throw Damage(page: page, reason: "node \(index) starts outside the page's node area (\(database))")
            }
            let node = base + offset
            let low = UInt64(load(node, UInt16.self)), high = UInt64(load(node + 2, UInt16.self))
            let nodeFlags = load(node + 4, UInt16.self)
            let keySize = Int(load(node + 6, UInt16.self))
            let keyOffset = node + PageStructureCheck.nodeHeaderSize
            guard offset + PageStructureCheck.nodeHeaderSize + keySize <= pageSize else {
                throw Damage(page: page, reason: "node \(index)'s key runs past the page (\(database))")
            }
            if isBranch {
                let child = low | high << 16 | UInt64(nodeFlags) << 32
                try walkPage(child, levelsLeft: levelsLeft - 1, database: database, leaf)
                continue
            }
            let dataSize = Int(low | high << 16)
            var data: UnsafeRawBufferPointer
            if nodeFlags & PageStructureCheck.bigDataFlag != 0 {
                guard offset + PageStructureCheck.nodeHeaderSize + keySize + 8 <= pageSize else {
                    throw Damage(page: page, reason: "node \(index)'s overflow page number runs past the page (\(database))")
                }
                data = try overflow(load(keyOffset + keySize, UInt64.self), size: dataSize, from: page, database: database)
            } else {
                guard offset + PageStructureCheck.nodeHeaderSize + keySize + dataSize <= pageSize else {
                    throw Damage(page: page, reason: "node \(index)'s data runs past the page (\(database))")
                }
                data = UnsafeRawBufferPointer(rebasing: bytes[keyOffset + keySize ..< keyOffset + keySize + dataSize])
            }
            guard nodeFlags & PageStructureCheck.duplicatesFlag == 0 else {
                throw Damage(page: page, reason: "node \(index) holds duplicate values, which no CareLedger database uses (\(database))")
            }
            if nodeFlags & PageStructureCheck.subDatabaseFlag != 0 {
                guard database == "main", nodeFlags & PageStructureCheck.bigDataFlag == 0, dataSize == PageStructureCheck.databaseRecordSize else {
                    throw Damage(page: page, reason: "node \(index) is a malformed database record (\(database))")
                }
            }
            let name = nodeFlags & PageStructureCheck.subDatabaseFlag != 0
                ? String(decoding: UnsafeRawBufferPointer(rebasing: bytes[keyOffset ..< keyOffset + keySize]), as: UTF8.self) : ""
            try leaf(page, Node(flags: nodeFlags, keyOffset: keyOffset, keySize: keySize,
                                dataOffset: keyOffset + keySize, dataSize: dataSize, keyName: name), data)
        }
    }

    private mutating func overflow(_ first: UInt64, size: Int, from page: UInt64, database: String) throws(Damage) -> UnsafeRawBufferPointer {
        guard first >= 2, first <= lastPage else { throw Damage(page: page, reason: "overflow page \(first) out of range (\(database))") }
        let base = Int(first) * pageSize
        let count = UInt64(load(base + 12, UInt32.self))
        guard load(base, UInt64.self) == first, load(base + 10, UInt16.self) & ~UInt16(0x10) == PageStructureCheck.overflowFlag,
              count >= 1, first + count - 1 <= lastPage, size <= Int(count) * pageSize - PageStructureCheck.pageHeaderSize
        else { throw Damage(page: first, reason: "malformed overflow run (\(database))") }
        for run in first ..< first + count { try claim(run, database: database) }
        return UnsafeRawBufferPointer(rebasing: bytes[base + PageStructureCheck.pageHeaderSize ..< base + PageStructureCheck.pageHeaderSize + size])
    }

    /// A free list: a count, then that many page numbers, none of them used by a tree.
    private func checkFreeList(_ data: UnsafeRawBufferPointer, in page: UInt64, depth: Depth) throws(Damage) {
        guard data.count >= 8, data.count % 8 == 0 else { throw Damage(page: page, reason: "malformed free list") }
        let count = Int(data.loadUnaligned(as: UInt64.self))
        guard count == data.count / 8 - 1 else { throw Damage(page: page, reason: "free list count disagrees with its size") }
        for index in 0 ..< count {
            let free = data.loadUnaligned(fromByteOffset: 8 * (index + 1), as: UInt64.self)
            guard free >= 2, free <= lastPage else { throw Damage(page: page, reason: "free list names page \(free), outside the file") }
            if depth == .everyPage && isUsed(free) { throw Damage(page: free, reason: "page is both free and in use") }
        }
    }

    private mutating func claim(_ page: UInt64, database: String) throws(Damage) {
        guard page >= 2, page <= lastPage else { throw Damage(page: page, reason: "page number out of range (\(database))") }
        guard !isUsed(page) else { throw Damage(page: page, reason: "page reached twice (\(database))") }
        markUsed(page)
    }

    private func isUsed(_ page: UInt64) -> Bool { used[Int(page / 64)] & (1 << (page % 64)) != 0 }
    private mutating func markUsed(_ page: UInt64) { used[Int(page / 64)] |= 1 << (page % 64) }

    private func load<T: FixedWidthInteger>(_ offset: Int, _ type: T.Type) -> T {
        guard offset >= 0, offset + MemoryLayout<T>.size <= bytes.count else { return T.max }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
