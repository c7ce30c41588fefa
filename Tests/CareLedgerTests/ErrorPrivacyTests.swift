import CareLedger
import Ledger
import Testing

/// Errors end up in logs; event lines may hold personal data. No error may quote its input.
@Suite("Errors name line, column and reason, never the offending content")
struct ErrorPrivacyTests {
    static let secret = "Jane Doe 1957-04-12 cpr 120457-1234"

    /// Lines that hold the secret and fail in many different ways.
    static let badLines: [String] = [
        #"{"name":"\#(secret)","name":"\#(secret)"}"#,  // duplicate key
        #"{"\#(secret)":1,"\#(secret)":2}"#,  // duplicate key that is itself the secret
        #"{"name":"\#(secret)"}, trailing \#(secret)"#,
        #"{"name":"\#(secret)\x"}"#,  // invalid escape
        #"{"name":"\#(secret)\ud800"}"#,
        "{\"name\":\"\(secret)\t\"}",  // raw control character
        #"{"name":"\#(secret)"#,  // unterminated
        #"{"name": \#(secret)}"#,  // unquoted
        #"{"name":"\#(secret)" "x":1}"#,
        #"["\#(secret)",]"#,
        #"{"n":01, "name":"\#(secret)"}"#,
        #"{"name":"\#(secret)","deep":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"#,
        String(repeating: secret, count: 100),
    ]

    @Test("Parse errors of single lines", arguments: badLines)
    func parseErrors(line: String) {
        let error = #expect(throws: JSONParseError.self) { try JSONValue(parsing: line, limits: JSONLimits(maximumLineLength: 1_000)) }
        Self.expectNoContent(in: error.map { String(describing: $0) } ?? "")
    }

    @Test("Invalid UTF-8 and over-long lines")
    func bytesErrors() {
        let invalid = Array("{\"name\":\"\(Self.secret)".utf8) + [0xFF] + Array("\"}".utf8)
        let error = #expect(throws: JSONParseError.self) { try JSONValue(parsing: invalid) }
        Self.expectNoContent(in: error.map { String(describing: $0) } ?? "")
        let long = #expect(throws: JSONParseError.self) {
            try JSONValue(parsing: "\"\(Self.secret)\"", limits: JSONLimits(maximumLineLength: 10))
        }
        Self.expectNoContent(in: long.map { String(describing: $0) } ?? "")
    }

    @Test("Errors of a JSON Lines reader")
    func readerErrors() {
        let text = Self.badLines.joined(separator: "\n")
        let reader = JSONLinesReader(bytes: Array(text.utf8), configuration: .init(chunkSize: 16, limits: JSONLimits(maximumLineLength: 200)))
        var errors = 0
        while true {
            do {
                guard try reader.next() != nil else { break }
            } catch {
                errors += 1
                Self.expectNoContent(in: String(describing: error))
                Self.expectNoContent(in: String(reflecting: error))
            }
        }
        #expect(errors == Self.badLines.count)
    }

    @Test("RFC 3339 errors")
    func timestampErrors() {
        for text in ["2025-02-30T10:15:00Z \(Self.secret)", "\(Self.secret)", "2025-03-04T10:15:00+\(Self.secret)"] {
            let error = #expect(throws: RFC3339Error.self) { try Timestamp(rfc3339: text) }
            Self.expectNoContent(in: error.map { String(describing: $0) } ?? "")
        }
    }

    static func expectNoContent(in description: String) {
        #expect(!description.isEmpty)
        for fragment in ["Jane", "Doe", "1957", "120457", "cpr", "name"] {
            #expect(!description.contains(fragment), "error text quotes its input: \(fragment)")
        }
    }
}
