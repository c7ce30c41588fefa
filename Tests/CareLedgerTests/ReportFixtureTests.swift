import CareLedger
import Foundation
import Ledger
import Testing

/// `Fixtures/careware-small`: a generated history and the expected reports for it, now, as of
/// two past dates and as of a position. The expected files are checked against the reference
/// implementation, and the projections against the files, so tomorrow's code is held to
/// today's figures.
@Suite("Report fixtures")
struct ReportFixtureTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Fixtures/careware-small").standardized.path
    static let seed: UInt64 = 2026
    static let count = 3_000

    /// The points the fixture has expected reports for, by file-name suffix.
    static let points: [(name: String, point: AsOf)] = [
        ("now", .now),
        ("2024-09-01", .time(try! Timestamp(rfc3339: "2024-09-01T00:00:00Z"))),
        ("2025-06-30", .time(try! Timestamp(rfc3339: "2025-06-30T23:59:59Z"))),
        ("position-1500", .position(1_500)),
    ]

    static func lines() throws -> [JSONValue] {
        var lines: [JSONValue] = []
        try JSONLinesReader(path: directory + "/history.jsonl").forEachLine { lines.append($0.value) }
        return lines
    }

    static func expected(_ report: String, _ name: String) throws -> JSONValue {
        try JSONValue(parsing: try readFile(directory + "/expected/\(report).\(name).json"))
    }

    static func reference(_ report: String, _ lines: [JSONValue], _ point: AsOf) -> JSONValue {
        switch report {
        case "kpi": ReportReference.kpi(lines, asOf: point)
        case "funnel": ReportReference.funnel(lines, asOf: point)
        default: ReportReference.geography(lines, asOf: point)
        }
    }

    @Test func theHistoryIsTheGeneratorsOutputForTheRecordedSeed() throws {
        let recorded = try JSONValue(parsing: try readFile(Self.directory + "/generator.json"))
        #expect(recorded["seed"]?.integerValue == Int64(Self.seed))
        #expect(recorded["count"]?.integerValue == Int64(Self.count))
        let generated = CareHistory(seed: Self.seed, count: Self.count).map(\.line)
        #expect(generated == (try Self.lines()))
    }

    @Test func theExpectedFilesAreTheReferencesReports() throws {
        let lines = try Self.lines()
        for (name, point) in Self.points {
            for report in ["kpi", "funnel", "geography"] {
                #expect(try Self.expected(report, name) == Self.reference(report, lines, point), "\(report).\(name)")
            }
        }
    }

    @Test func theProjectionsProduceTheExpectedFiles() async throws {
        let events = try Self.lines().map { try CareEvent(line: $0) }
        try await withReports(of: events) { reports in try await Self.expectTheExpectedFiles(from: reports) }
    }

    /// Checks every report of `reports` at every recorded point against its expected file.
    static func expectTheExpectedFiles(from reports: CareReports) async throws {
        for (name, point) in points {
            for report in ["kpi", "funnel", "geography"] {
                let actual = switch report {
                case "kpi": try await reports.kpi(asOf: point).json
                case "funnel": try await reports.funnel(asOf: point).json
                default: try await reports.geography(asOf: point).json
                }
                #expect(actual == (try expected(report, name)), "\(report).\(name)")
            }
        }
    }

    /// Writes the fixture (history, seed, and the reference's reports); run with
    /// `CARELEDGER_WRITE_FIXTURES=1 swift test --filter ReportFixtureTests` after a deliberate
    /// change, and review the diff.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CARELEDGER_WRITE_FIXTURES"] == "1"))
    func writeFixture() throws {
        try FileManager.default.createDirectory(atPath: Self.directory + "/expected", withIntermediateDirectories: true)
        var history: [UInt8] = []
        for event in CareHistory(seed: Self.seed, count: Self.count) {
            event.line.write(to: &history)
            history.append(UInt8(ascii: "\n"))
        }
        try writeFile(Self.directory + "/history.jsonl", history)
        let recorded: JSONValue = .object(["seed": .integer(Int64(Self.seed)), "count": .integer(Int64(Self.count))])
        try writeFile(Self.directory + "/generator.json", recorded.serializedBytes() + [UInt8(ascii: "\n")])
        let lines = try Self.lines()
        for (name, point) in Self.points {
            for report in ["kpi", "funnel", "geography"] {
                try writeFile(Self.directory + "/expected/\(report).\(name).json", Self.reference(report, lines, point).serializedBytes() + [UInt8(ascii: "\n")])
            }
        }
    }
}
