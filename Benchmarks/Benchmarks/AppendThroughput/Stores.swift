import BenchmarkSupport
import Foundation
import Ledger
import RawLMDB

/// A new directory under the system's temporary directory (`TMPDIR`, else `/tmp`).
///
/// Every store a benchmark writes lives in one, created in the benchmark's setup and removed in
/// its teardown. Put `TMPDIR` on the disk you mean to measure: durable commits time its flushes.
struct TemporaryDirectory {
    let path: String

    init(_ label: String) throws {
        let base = FileManager.default.temporaryDirectory
        let url = base.appendingPathComponent("careledger-bench-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        path = url.path
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// The map size of every store, ledger and raw alike: large enough that no benchmark ever
/// grows the map (it is address space; the file grows only as it is written).
let benchmarkMapSize = 16 << 30

/// A ledger in a temporary directory, opened in a benchmark's setup and closed and removed in
/// its teardown; each benchmark process runs one benchmark, so each benchmark starts from an
/// empty store that then grows over its iterations.
final class LedgerStore {
    let label: String
    let durability: Durability
    private(set) var ledger: Ledger?
    private var directory: TemporaryDirectory?
    /// The next event number to append: ids stay unique across iterations.
    var nextEvent = 0
    /// The events appended, warm-up included.
    var appended = 0

    init(_ label: String, durability: Durability) {
        self.label = label
        self.durability = durability
    }

    /// The number of write transactions committed to the store so far, read from its data
    /// file (see `raw_lmdb_last_txnid`): the difference over an iteration is its commits.
    var commits: UInt64 {
        directory.map { raw_lmdb_last_txnid($0.path) } ?? 0
    }

    func open() throws {
        let directory = try TemporaryDirectory(label)
        var configuration = Ledger.Configuration()
        configuration.durability = durability
        configuration.initialMapSize = benchmarkMapSize
        self.directory = directory
        ledger = try Ledger(path: directory.path, configuration: configuration)
    }

    /// Checks that the ledger holds what was appended, in records of ``Workload/recordSize``
    /// bytes, then closes it and removes its directory.
    func close() throws {
        defer {
            ledger?.close()
            ledger = nil
            directory?.remove()
            directory = nil
        }
        guard let ledger else { return }
        let statistics = try ledger.statistics()
        guard statistics.events == UInt64(appended) else {
            throw BenchmarkFailure("\(label): ledger holds \(statistics.events) events, \(appended) were appended")
        }
        var size = 0
        try ledger.forEachRecord(from: 1, through: 1) { record in
            size = record.bytes.count
            return false
        }
        guard size == Workload.recordSize else {
            throw BenchmarkFailure("\(label): records are \(size) bytes, the workload wants \(Workload.recordSize)")
        }
    }
}

/// A raw LMDB store (the C baselines in `RawLMDB`) in a temporary directory: log only, or
/// the ledger's layout of a log and four index databases.
final class RawStore {
    /// What each transaction writes.
    enum Shape {
        /// The records alone, in one database (`raw_lmdb_append`).
        case log
        /// The records and the ledger's index entries, events spread over `streams` streams
        /// (`raw_lmdb_append_indexed`).
        case ledgerLayout(streams: Int)
    }

    let label: String
    let durable: Bool
    let shape: Shape
    private var handle: OpaquePointer?
    private var directory: TemporaryDirectory?
    /// The records appended, warm-up included.
    var appended = 0

    init(_ label: String, durable: Bool, shape: Shape = .log) {
        self.label = label
        self.durable = durable
        self.shape = shape
    }

    func open() throws {
        let directory = try TemporaryDirectory(label)
        var error: Int32 = 0
        let indexed: Int32 = if case .ledgerLayout = shape { 1 } else { 0 }
        guard let handle = raw_lmdb_open(directory.path, durable ? 1 : 0, indexed, benchmarkMapSize, &error) else {
            directory.remove()
            throw BenchmarkFailure("\(label): raw_lmdb_open: \(String(cString: raw_lmdb_strerror(error)))")
        }
        self.directory = directory
        self.handle = handle
    }

    /// Appends `count` records of ``Workload/recordSize`` bytes in one transaction.
    @inline(__always)
    func append(count: Int) throws {
        let rc = Workload.rawRecord.withUnsafeBytes { record in
            switch shape {
            case .log:
                raw_lmdb_append(handle, record.baseAddress, record.count, UInt32(count))
            case .ledgerLayout(let streams):
                raw_lmdb_append_indexed(handle, record.baseAddress, record.count, UInt32(count), UInt32(streams))
            }
        }
        guard rc == 0 else { throw BenchmarkFailure("\(label): append: \(String(cString: raw_lmdb_strerror(rc)))") }
        appended += count
    }

    func close() throws {
        defer {
            raw_lmdb_close(handle)
            handle = nil
            directory?.remove()
            directory = nil
        }
        guard handle != nil else { return }
        let count = raw_lmdb_count(handle)
        guard count == UInt64(appended) else {
            throw BenchmarkFailure("\(label): store holds \(count) records, \(appended) were appended")
        }
    }
}
