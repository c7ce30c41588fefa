import CareLedger
import Foundation
import Testing

/// The files of `Fixtures/invalid`: each must fail to import with the error its entry in
/// `expected-errors.json` gives, and leave the store as it was.
@Suite("Invalid import files produce their expected errors and store nothing")
struct InvalidFixtureTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fixtures/invalid").standardized.path

    struct Expected: Sendable, CustomTestStringConvertible {
        var file: String
        var line: Int
        var eventID: String?
        var error: String
        var field: String?
        var testDescription: String { file }
    }

    static let expectations: [Expected] = {
        let bytes = [UInt8](FileManager.default.contents(atPath: directory + "/expected-errors.json") ?? Data())
        guard case .object(let files)? = (try? JSONValue(parsing: bytes))?["files"] else { return [] }
        return files.map { file, entry in
            Expected(file: file, line: Int(entry["line"]?.integerValue ?? 0), eventID: entry["eventId"]?.stringValue,
                     error: entry["error"]?.stringValue ?? "", field: entry["field"]?.stringValue)
        }
    }()

    @Test("The fixture set covers every rule that an import can break")
    func coverage() {
        let errors = Set(Self.expectations.map(\.error))
        let storeOnly: Set<Rule> = [.streamNotEntity, .eventTypeNotInDomain, .payloadUnreadable]  // no JSON line can reach them
        for rule in Rule.allCases where !storeOnly.contains(rule) {
            #expect(errors.contains(rule.identifier), "no fixture for \(rule)")
        }
        #expect(errors.isSuperset(of: ["invalid-utf8", "json-syntax", "event-id-conflict", "missing", "not-in-vocabulary"]))
    }

    @Test("Each file fails with its expected error", arguments: expectations)
    func fails(_ expected: Expected) async throws {
        try await withTemporaryRoot { root in
            let store = try await openStore(root + "/store")
            try await store.importEvents(fromFile: Self.directory + "/base.jsonl")
            let before = try storedLines(store)
            let error = try await #require(throws: ImportError.self) {
                try await store.importEvents(fromFile: Self.directory + "/" + expected.file)
            }
            #expect(error.line == expected.line)
            #expect(error.eventID == expected.eventID)
            #expect(error.identifier == expected.error)
            #expect(error.field == expected.field)
            #expect(try storedLines(store) == before)
        }
    }
}
