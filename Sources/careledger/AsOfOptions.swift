import ArgumentParser
import CareLedger
import Ledger

/// `--as-of RFC3339` or `--as-of-position N`: the point a report is computed as of.
struct AsOfOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Fold the events whose time is at or before this RFC 3339 time.", valueName: "time"))
    var asOf: String?

    @Option(help: ArgumentHelp("Fold the first N events of the log.", valueName: "n"))
    var asOfPosition: UInt64?

    func validate() throws {
        if asOf != nil && asOfPosition != nil {
            throw ValidationError("give either --as-of or --as-of-position, not both")
        }
        _ = try point()
    }

    /// The point, `.now` when neither option is given.
    func point() throws -> AsOf {
        if let asOfPosition { return .position(asOfPosition) }
        if let asOf { return try PointArgument.time(asOf, option: "--as-of") }
        return .now
    }
}

/// Parsing of points given on the command line.
enum PointArgument {
    /// An RFC 3339 time, or a validation error naming the option.
    static func time(_ text: String, option: String) throws -> AsOf {
        do {
            return .time(try Timestamp(rfc3339: text))
        } catch {
            throw ValidationError("\(option): not an RFC 3339 time (e.g. 2025-03-04T10:15:00Z): \(error)")
        }
    }

    /// A log position (digits only) or an RFC 3339 time.
    static func positionOrTime(_ text: String, option: String) throws -> AsOf {
        if !text.isEmpty, text.allSatisfy(\.isASCII), let position = UInt64(text) { return .position(position) }
        return try time(text, option: option)
    }
}
