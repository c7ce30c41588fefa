import CareLedger
import Foundation
import Testing

@Suite("careledger end to end: the built executable on the fixtures", .serialized)
struct CommandLineTests {
    static let fixture = repositoryRoot + "/Fixtures/careware-small"
    static let points: [(name: String, arguments: [String])] = [
        ("now", []), ("2024-09-01", ["--as-of", "2024-09-01T00:00:00Z"]),
        ("2025-06-30", ["--as-of", "2025-06-30T23:59:59Z"]), ("position-1500", ["--as-of-position", "1500"]),
    ]

    @Test("help lists every command, and each command's help its options")
    func help() throws {
        let root = try run(["--help"])
        #expect(root.status == 0)
        for command in ["import", "export", "report", "explain", "diff", "replay", "verify", "stats", "copy", "generate", "demo"] {
            #expect(root.output.contains("  \(command) "), "\(command) in --help")
        }
        let report = try run(["report", "--help"])
        for option in ["--store", "--as-of", "--as-of-position", "--format"] { #expect(report.output.contains(option)) }
    }

    @Test("import → report (every report, four points, three formats) → export → import elsewhere → verify")
    func endToEnd() throws {
        try withTemporaryDirectory { root in
            let store = root + "/store"
            let imported = try run(["import", Self.fixture + "/history.jsonl", "--store", store])
            #expect(imported.status == 0, "\(imported.errors)")
            #expect(imported.output.contains("imported 3000 events"))

            for report in ["kpi", "funnel", "geography"] {
                for point in Self.points {
                    let result = try run(["report", report, "--store", store, "--format", "json"] + point.arguments)
                    #expect(result.status == 0, "\(result.errors)")
                    let expected = try String(contentsOfFile: "\(Self.fixture)/expected/\(report).\(point.name).json", encoding: .utf8)
                    #expect(try JSONValue(parsing: result.output) == JSONValue(parsing: expected), "\(report) as of \(point.name)")
                }
                let table = try run(["report", report, "--store", store])
                #expect(table.status == 0 && table.output.contains("---"))
                let csv = try run(["report", report, "--store", store, "--format", "csv"])
                #expect(csv.status == 0 && csv.output.contains("\r\n"))
            }

            let exported = try run(["export", "--store", store])
            #expect(exported.status == 0)
            #expect(exported.output == (try String(contentsOfFile: Self.fixture + "/history.jsonl", encoding: .utf8)),
                    "export writes back the imported file, line for line")
            let copy = root + "/export.jsonl"
            try exported.output.write(toFile: copy, atomically: false, encoding: .utf8)
            #expect(try run(["import", copy, "--store", root + "/second"]).status == 0)
            let again = try run(["report", "kpi", "--store", root + "/second", "--format", "json"])
            #expect(try JSONValue(parsing: again.output) == JSONValue(parsing: try run(["report", "kpi", "--store", store, "--format", "json"]).output))

            let verified = try run(["verify", "--store", store])
            #expect(verified.status == 0 && verified.output.contains("intact: 3000 events"))
            let stats = try run(["stats", "--store", store, "--format", "json"])
            #expect(try JSONValue(parsing: stats.output)["events"] == .integer(3000))
            let reimport = try run(["import", Self.fixture + "/history.jsonl", "--store", store])
            #expect(reimport.status == 0 && reimport.output.contains("imported 0 events") && reimport.output.contains("3000 already stored"))
        }
    }

    @Test("explain lists as many events as the figure; diff shows the change between two points")
    func explainAndDiff() throws {
        try withTemporaryDirectory { root in
            let store = root + "/store"
            #expect(try run(["import", Self.fixture + "/history.jsonl", "--store", store]).status == 0)
            let kpi = try JSONValue(parsing: try run(["report", "kpi", "--store", store, "--format", "json"]).output)
            let figures = try #require(kpi["indicators"]?.arrayValue)
            for figure in figures {
                let key = try #require(figure["key"]?.stringValue)
                let explained = try JSONValue(parsing: try run(["explain", key, "--store", store, "--format", "json"]).output)
                #expect(explained["count"] == figure["actual"], "\(key)")
            }
            let diff = try run(["diff", "kpi", "--store", store, "--from", "2024-09-01T00:00:00Z", "--to", "1500", "--format", "json"])
            #expect(diff.status == 0, "\(diff.errors)")
            let before = try JSONValue(parsing: String(contentsOfFile: Self.fixture + "/expected/kpi.2024-09-01.json", encoding: .utf8))
            let after = try JSONValue(parsing: String(contentsOfFile: Self.fixture + "/expected/kpi.position-1500.json", encoding: .utf8))
            let rows = try #require(try JSONValue(parsing: diff.output)["figures"]?.arrayValue)
            for (row, (old, new)) in zip(rows, zip(before["indicators"]!.arrayValue!, after["indicators"]!.arrayValue!)) {
                #expect(row["from"] == old["actual"] && row["to"] == new["actual"])
                #expect(row["change"]?.integerValue == new["actual"]!.integerValue! - old["actual"]!.integerValue!)
            }
        }
    }

    @Test("each invalid fixture is refused with its line, event id and rule, exit 1, and the store keeps only the base")
    func invalidFixtures() throws {
        let directory = repositoryRoot + "/Fixtures/invalid"
        let expected = try JSONValue(parsing: String(contentsOfFile: directory + "/expected-errors.json", encoding: .utf8))
        let files = try #require(expected["files"]?.objectValue)
        #expect(files.count >= 30)
        try withTemporaryDirectory { root in
            for (index, (file, error)) in files.enumerated() {
                let store = root + "/store-\(index)"
                #expect(try run(["import", directory + "/base.jsonl", "--store", store]).status == 0)
                let result = try run(["import", directory + "/" + file, "--store", store])
                expectCleanFailure(result)
                let line = try #require(error["line"]?.integerValue)
                #expect(result.errors.contains("\(file):\(line):"), "\(file): \(result.errors)")
                if let id = error["eventId"]?.stringValue { #expect(result.errors.contains("\"\(id)\""), "\(file)") }
                #expect(result.errors.contains(try #require(error["error"]?.stringValue)), "\(file): \(result.errors)")
                #expect(result.errors.contains("nothing was imported"))
                let stats = try JSONValue(parsing: try run(["stats", "--store", store, "--format", "json"]).output)
                #expect(stats["events"] == .integer(9), "\(file): the store holds only the base")
            }
        }
    }

    @Test("bad paths and arguments give a message and a non-zero exit, never a crash")
    func badInput() throws {
        try withTemporaryDirectory { root in
            expectCleanFailure(try run(["report", "kpi", "--store", root + "/missing"]))
            expectCleanFailure(try run(["verify", "--store", "/dev/null"]))
            expectCleanFailure(try run(["import", root + "/no-such-file.jsonl", "--store", root + "/s"]))
            try Data("not a store".utf8).write(to: URL(fileURLWithPath: root + "/plain"))
            expectCleanFailure(try run(["stats", "--store", root + "/plain"]))
            expectCleanFailure(try run(["report", "nonsense", "--store", root]), status: 64)
            expectCleanFailure(try run(["report", "kpi", "--store", root, "--as-of", "yesterday"]), status: 64)
            expectCleanFailure(try run(["explain", "happiness", "--store", root]), status: 64)
        }
    }

    @Test("verify exits 2 naming the first bad position of a store with an edited byte")
    func damagedStore() throws {
        try withTemporaryDirectory { root in
            let store = root + "/store"
            #expect(try run(["import", Self.fixture + "/history.jsonl", "--store", store]).status == 0)
            // Edit an event's title in place: same length, so only the hash chain can tell.
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: store + "/data.mdb")))
            let needle = Array("Night".utf8)
            let offset = try #require((0 ..< bytes.count - needle.count).first { bytes[$0 ..< $0 + needle.count].elementsEqual(needle) })
            bytes[offset] = UInt8(ascii: "M")
            try Data(bytes).write(to: URL(fileURLWithPath: store + "/data.mdb"))
            let result = try run(["verify", "--store", store])
            expectCleanFailure(result, status: 2)
            #expect(result.errors.contains("first bad position"))
        }
    }

    @Test("copy writes a verified, compacted copy whose reports and read models equal the store's; an occupied destination is refused")
    func copy() throws {
        try withTemporaryDirectory { root in
            let store = root + "/store"
            #expect(try run(["import", Self.fixture + "/history.jsonl", "--store", store]).status == 0)
            let copy = root + "/backup"
            let copied = try run(["copy", "--store", store, "--to", copy, "--format", "json"])
            #expect(copied.status == 0, "\(copied.errors)")
            let figures = try JSONValue(parsing: copied.output)
            #expect(figures["head"] == .integer(3000))
            #expect(figures["intact"] == .bool(true))
            #expect(figures["compacted"] == .bool(true))
            let verified = try JSONValue(parsing: try run(["verify", "--store", store, "--format", "json"]).output)
            #expect(figures["headHash"] == verified["headHash"])
            for report in ["kpi", "funnel", "geography"] {
                for point in Self.points {
                    let original = try run(["report", report, "--store", store, "--format", "json"] + point.arguments)
                    let fromCopy = try run(["report", report, "--store", copy, "--format", "json"] + point.arguments)
                    #expect(fromCopy.status == 0 && fromCopy.output == original.output, "\(report) as of \(point.name)")
                }
            }
            // The read models came along, at the same checkpoints: nothing to catch up.
            let stats = try JSONValue(parsing: try run(["stats", "--store", copy, "--format", "json"]).output)
            #expect(stats["projections"] == (try JSONValue(parsing: try run(["stats", "--store", store, "--format", "json"]).output))["projections"])

            let again = try run(["copy", "--store", store, "--to", copy])
            expectCleanFailure(again)
            #expect(again.errors.contains(copy) && again.errors.contains("must be empty"))
            let pageForPage = try run(["copy", "--store", store, "--to", root + "/plain", "--no-compact", "--format", "json"])
            #expect(pageForPage.status == 0, "\(pageForPage.errors)")
            #expect(try JSONValue(parsing: pageForPage.output)["compacted"] == .bool(false))
            expectCleanFailure(try run(["copy", "--store", root + "/missing", "--to", root + "/elsewhere"]))
        }
    }

    @Test("generate writes the same history for the same seed, and it imports cleanly")
    func generate() throws {
        let first = try run(["generate", "--events", "500", "--seed", "9"])
        let second = try run(["generate", "--events", "500", "--seed", "9"])
        #expect(first.status == 0 && first.output == second.output)
        #expect(first.output.split(separator: "\n").count == 500)
        try withTemporaryDirectory { root in
            try first.output.write(toFile: root + "/h.jsonl", atomically: false, encoding: .utf8)
            #expect(try run(["import", root + "/h.jsonl", "--store", root + "/s"]).status == 0)
        }
    }
}
