#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar on standard error, with count, rate and time left, redrawn at most
/// ten times a second. Silent when standard error is not a terminal, so logs and pipes get
/// only results.
final class ProgressBar {
    private let label: String
    private let total: UInt64?
    private let unit: String
    private let enabled: Bool
    private let start = MonotonicClock.now
    private var lastDraw = 0.0
    private(set) var completed: UInt64 = 0

    /// A bar for `total` units (or an open-ended counter when `total` is `nil`).
    init(_ label: String, total: UInt64?, unit: String = "events", enabled: Bool = StandardStreams.errorIsTerminal) {
        self.label = label
        self.total = total
        self.unit = unit
        self.enabled = enabled
    }

    /// Sets the completed count and redraws if a tenth of a second has passed.
    func update(_ completed: UInt64) {
        self.completed = completed
        guard enabled else { return }
        let now = MonotonicClock.now
        guard now - lastDraw >= 0.1 else { return }
        lastDraw = now
        draw(elapsed: now - start)
    }

    /// Clears the bar.
    func finish() {
        guard enabled else { return }
        StandardStreams.error("\r\u{1B}[2K")
    }

    private func draw(elapsed: Double) {
        let rate = elapsed > 0 ? Double(completed) / elapsed : 0
        var line = "\(label) "
        if let total, total > 0 {
            let fraction = min(1, Double(completed) / Double(total))
            let width = 24
            let filled = Int(fraction * Double(width))
            line += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            line += "\(Int(fraction * 100))% \(completed)/\(total) \(unit)"
            if rate > 0 { line += ", \(Formatting.rate(rate))/s, \(Formatting.duration(Double(total - min(total, completed)) / rate)) left" }
        } else {
            line += "\(completed) \(unit)"
            if rate > 0 { line += ", \(Formatting.rate(rate))/s" }
        }
        let width = StandardStreams.terminalWidth
        if line.count >= width { line = String(line.prefix(width - 1)) }
        StandardStreams.error("\r\u{1B}[2K" + line)
    }
}

/// Seconds from a monotonic clock.
enum MonotonicClock {
    static var now: Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// Number formatting shared by tables and progress.
enum Formatting {
    /// `1.2 M`, `340 k`, `812`.
    static func rate(_ value: Double) -> String {
        if value >= 1e6 { return fixed(value / 1e6, digits: 2) + " M" }
        if value >= 1e3 { return fixed(value / 1e3, digits: 1) + " k" }
        return fixed(value, digits: 0)
    }

    /// `1m 05s`, `12s`, `0.4s`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        if seconds < 10 { return fixed(seconds, digits: 1) + "s" }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole)s" }
        let minutes = whole / 60, rest = whole % 60
        return "\(minutes)m " + (rest < 10 ? "0" : "") + "\(rest)s"
    }

    /// `value` with exactly `digits` decimals, without Foundation.
    static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return String(value) }
        var scale = 1.0
        for _ in 0 ..< digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let integer = Int(scaled / scale)
        var text = (value < 0 && scaled > 0 ? "-" : "") + String(integer)
        if digits > 0 {
            let fraction = String(Int(scaled) - integer * Int(scale))
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }
}
