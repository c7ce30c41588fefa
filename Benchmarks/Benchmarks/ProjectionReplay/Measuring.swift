import BenchmarkSupport
import Foundation
import MallocInterposerSwift
import RawLMDB
import Synchronization

/// The C baseline's reader (`raw_lmdb_reader_*` in `RawLMDB`): the store's `log` opened
/// read-only, kept open across iterations as an open ledger keeps its environment.
final class RawReader {
    private var handle: OpaquePointer?

    init(path: String) throws {
        var error: Int32 = 0
        guard let handle = raw_lmdb_reader_open(path, &error) else {
            throw BenchmarkFailure("raw_lmdb_reader_open: \(String(cString: raw_lmdb_strerror(error)))")
        }
        self.handle = handle
    }

    deinit { raw_lmdb_reader_close(handle) }

    /// One scan of the whole log.
    func scan(_ mode: raw_lmdb_scan_mode) throws -> raw_lmdb_scan_result {
        var result = raw_lmdb_scan_result()
        let rc = raw_lmdb_reader_scan(handle, Int32(mode.rawValue), &result)
        guard rc == 0 else { throw BenchmarkFailure("raw_lmdb_reader_scan: \(String(cString: raw_lmdb_strerror(rc)))") }
        return result
    }
}

/// Figures of this process that ordo-one/benchmark measures too but does not hand to the
/// benchmark: read here so the summary can turn them into allocations per event and the
/// peak resident set of one replay.
enum ProcessFigures {
    /// Allocations counted by the harness's malloc interposer so far (every thread; counting is
    /// on while the harness measures, so read it between `startMeasurement` and
    /// `stopMeasurement`). Reading allocates nothing.
    static func mallocCount() -> Int {
        MallocInterposerSwift.getStatistics().mallocCount
    }

    /// CPU time (user and system) of every thread of this process so far, in seconds. The
    /// whole process: the harness's sampler thread adds a little.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
    }

    /// Resets the kernel's high-water mark of this process's resident set (`VmHWM`) to the
    /// current resident set (Linux: writes `5` to `/proc/self/clear_refs`).
    static func resetPeakResident() {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return }
        _ = write(fd, "5", 1)
        close(fd)
    }

    /// The high-water mark of the resident set since the last ``resetPeakResident()``, in bytes
    /// (`VmHWM` of `/proc/self/status`; 0 where unavailable). Exact, unlike a sampled peak.
    static func peakResidentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.dropFirst(6).filter(\.isNumber)
            return (Int(digits) ?? 0) * 1_024
        }
        return 0
    }
}

/// Samples this process's resident set every 5 ms, split as the kernel splits it: anonymous
/// memory (`RssAnon`: the heap, so the projections' states) and file-backed pages (`RssFile`:
/// the store's memory map, clean page cache the kernel can reclaim). The peak of the total
/// (`VmHWM`) says how much was mapped; these say what it was.
///
/// Reads `/proc/self/status` into buffers allocated once: the sampler allocates nothing
/// after it starts, so it does not disturb the allocation counts (the harness's own sampler
/// does allocate).
///
/// `@unchecked Sendable`: the peaks are atomics; ``samplerBuffer`` is used only by the
/// sampling thread and ``callerBuffer`` only by the benchmark's thread (``reset()``, ``peaks()``).
final class ResidentSampler: @unchecked Sendable {
    static let shared = ResidentSampler()

    private let anonymousPeak = Atomic<Int>(0)
    private let filePeak = Atomic<Int>(0)
    private let started = Atomic<Bool>(false)
    private let samplerBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4_096, alignment: 8)
    private let callerBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4_096, alignment: 8)

    /// Starts the sampling thread (once).
    func start() {
        guard started.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        let thread = Thread { [self] in
            while true {
                sample(into: samplerBuffer)
                usleep(5_000)
            }
        }
        thread.name = "resident-sampler"
        thread.start()
    }

    /// Starts new peaks from the current figures.
    func reset() {
        let (anonymous, file) = Self.current(callerBuffer)
        anonymousPeak.store(anonymous, ordering: .relaxed)
        filePeak.store(file, ordering: .relaxed)
    }

    /// The peaks since the last ``reset()``, in bytes, after one last sample.
    func peaks() -> (anonymous: Int, file: Int) {
        sample(into: callerBuffer)
        return (anonymousPeak.load(ordering: .relaxed), filePeak.load(ordering: .relaxed))
    }

    private func sample(into buffer: UnsafeMutableRawBufferPointer) {
        let (anonymous, file) = Self.current(buffer)
        _ = anonymousPeak.max(anonymous, ordering: .relaxed)
        _ = filePeak.max(file, ordering: .relaxed)
    }

    /// `RssAnon` and `RssFile` of `/proc/self/status`, in bytes (0 where unavailable), read into `buffer`.
    static func current(_ buffer: UnsafeMutableRawBufferPointer) -> (anonymous: Int, file: Int) {
        let fd = open("/proc/self/status", O_RDONLY)
        guard fd >= 0 else { return (0, 0) }
        defer { close(fd) }
        let count = read(fd, buffer.baseAddress, buffer.count)
        guard count > 0 else { return (0, 0) }
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[0 ..< count])
        return (field(bytes, "RssAnon:"), field(bytes, "RssFile:"))
    }

    /// The number after `name` at the start of a line, in kB, as bytes.
    private static func field(_ bytes: UnsafeRawBufferPointer, _ name: StaticString) -> Int {
        let key = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        var index = 0
        while index + key.count <= bytes.count {
            if (index == 0 || bytes[index - 1] == UInt8(ascii: "\n")) && memcmp(bytes.baseAddress! + index, key.baseAddress!, key.count) == 0 {
                var value = 0
                var cursor = index + key.count
                while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") || bytes[cursor] == UInt8(ascii: "\t") { cursor += 1 }
                while cursor < bytes.count, bytes[cursor] >= UInt8(ascii: "0"), bytes[cursor] <= UInt8(ascii: "9") {
                    value = value * 10 + Int(bytes[cursor] - UInt8(ascii: "0"))
                    cursor += 1
                }
                return value * 1_024
            }
            index += 1
        }
        return 0
    }
}
