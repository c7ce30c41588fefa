@testable import CareLedger
import Testing

@Suite("JSON parser: strict RFC 8259, with limits and errors that name line, column and reason")
struct JSONParserTests {
    // MARK: Valid

    static let valid: [(String, JSONValue)] = [
        ("{}", [:]),
        ("[]", []),
        (" \t{\"a\" : 1 }\r\n ", ["a": 1]),
        ("{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}", ["a": 1, "b": [true, false, nil], "c": ["d": "e"]]),
        ("[[[]],{}]", [[[]], [:]]),
        ("true", true),
        ("null", nil),
        ("\"x\"", "x"),
        ("\"\"", ""),
        ("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\u{8}\u{C}\n\r\t"),
        ("\"\\u00e9\\u20AC\\ud83d\\ude00\\uDBFF\\uDFFF\"", "é€😀\u{10FFFF}"),
        ("\"\\u0000 \\u001f\"", "\u{0} \u{1F}"),
        ("\"é😀\u{7F}\"", "é😀\u{7F}"),
        ("\"a\\nb\\u0041c\"", "a\nbAc"),
        ("0", .integer(0)),
        ("-7", .integer(-7)),
        ("123", .integer(123)),
        ("9223372036854775807", .integer(.max)),
        ("-9223372036854775808", .integer(.min)),
        ("9223372036854775808", .number(JSONNumber(uncheckedLiteral: "9223372036854775808"))),
        ("-9223372036854775809", .number(JSONNumber(uncheckedLiteral: "-9223372036854775809"))),
        ("100000000000000000000000000000", .number(JSONNumber(uncheckedLiteral: "100000000000000000000000000000"))),
        ("-0", .number(JSONNumber(uncheckedLiteral: "-0"))),
        ("0.0", .number(JSONNumber(uncheckedLiteral: "0.0"))),
        ("1.50", .number(JSONNumber(uncheckedLiteral: "1.50"))),
        ("-1.5e10", .number(JSONNumber(uncheckedLiteral: "-1.5e10"))),
        ("1E+2", .number(JSONNumber(uncheckedLiteral: "1E+2"))),
        ("1e-2", .number(JSONNumber(uncheckedLiteral: "1e-2"))),
        ("[1,-0.5,2e3]", [1, .number(JSONNumber(uncheckedLiteral: "-0.5")), .number(JSONNumber(uncheckedLiteral: "2e3"))]),
    ]

    @Test("Valid JSON parses to the expected value", arguments: valid)
    func parsesValid(text: String, expected: JSONValue) throws {
        #expect(try JSONValue(parsing: text) == expected)
        #expect(try JSONValue(parsing: Array(text.utf8)) == expected)
    }

    @Test("Objects keep their keys in document order")
    func keepsKeyOrder() throws {
        let value = try JSONValue(parsing: #"{"zeta":1,"alpha":2,"mid":{"b":1,"a":2}}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["zeta", "alpha", "mid"])
        #expect(object["mid"]?.objectValue?.keys == ["b", "a"])
        #expect(value["alpha"] == 2)
        #expect(object.map(\.key) == ["zeta", "alpha", "mid"])
    }

    @Test("Integers at the limits of Int64 are exact; beyond them the literal is kept")
    func int64Limits() throws {
        #expect(try JSONValue(parsing: "9223372036854775807").integerValue == Int64.max)
        #expect(try JSONValue(parsing: "-9223372036854775808").integerValue == Int64.min)
        #expect(try JSONValue(parsing: "9007199254740993").integerValue == 9_007_199_254_740_993)  // not a Double
        let beyond = try JSONValue(parsing: "18446744073709551616")
        #expect(beyond.integerValue == nil)
        #expect(beyond.kind == .number)
        #expect(beyond.serialized() == "18446744073709551616")
        #expect(beyond.doubleValue == 18_446_744_073_709_551_616)
        #expect(try JSONValue(parsing: "1.0").integerValue == nil)
    }

    // MARK: Invalid

    static let invalid: [(String, JSONParseError.Reason, Int)] = [
        ("", .blankLine, 1),
        ("  \t ", .blankLine, 1),
        ("{", .unexpectedEnd, 2),
        ("{\"a\"", .unexpectedEnd, 5),
        ("{\"a\":", .unexpectedEnd, 6),
        ("{\"a\":1", .unexpectedEnd, 7),
        ("[", .unexpectedEnd, 2),
        ("[1,", .unexpectedEnd, 4),
        ("{\"a\":}", .expectedValue, 6),
        ("{\"a\" 1}", .expectedColon, 6),
        ("{\"a\":1,}", .expectedKey, 8),
        ("{a:1}", .expectedKey, 2),
        ("{'a':1}", .expectedKey, 2),
        ("{\"a\":1 \"b\":2}", .expectedCommaOrEndOfObject, 8),
        ("{\"a\":1]", .expectedCommaOrEndOfObject, 7),
        ("[1,]", .expectedValue, 4),
        ("[,1]", .expectedValue, 2),
        ("[1 2]", .expectedCommaOrEndOfArray, 4),
        ("[1}", .expectedCommaOrEndOfArray, 3),
        ("tru", .invalidLiteral, 1),
        ("nul", .invalidLiteral, 1),
        ("[fals]", .invalidLiteral, 2),
        ("True", .expectedValue, 1),
        ("'a'", .expectedValue, 1),
        ("/* c */ 1", .expectedValue, 1),
        ("\u{FEFF}{}", .expectedValue, 1),
        ("NaN", .invalidNumber, 1),
        ("Infinity", .invalidNumber, 1),
        ("-Infinity", .invalidNumber, 2),
        ("[1,NaN]", .invalidNumber, 4),
        ("+1", .invalidNumber, 1),
        ("01", .invalidNumber, 2),
        ("-01", .invalidNumber, 3),
        ("00.5", .invalidNumber, 2),
        ("1.", .invalidNumber, 3),
        (".5", .invalidNumber, 1),
        ("1.e5", .invalidNumber, 3),
        ("1e", .invalidNumber, 3),
        ("1e+", .invalidNumber, 4),
        ("-", .invalidNumber, 2),
        ("- 1", .invalidNumber, 2),
        ("0x10", .trailingCharacters, 2),
        ("\"abc", .unexpectedEnd, 5),
        ("\"a\\", .unexpectedEnd, 4),
        ("\"a\tb\"", .controlCharacterInString, 3),
        ("\"a\u{0}\"", .controlCharacterInString, 3),
        ("\"\\n\u{1F}\"", .controlCharacterInString, 4),
        ("\"ab\ncd\"", .controlCharacterInString, 4),
        ("\"\\x\"", .invalidEscape, 2),
        ("\"ok\\'\"", .invalidEscape, 4),
        ("\"\\U0041\"", .invalidEscape, 2),
        ("\"\\u12G4\"", .invalidUnicodeEscape, 2),
        ("\"\\u12\"", .invalidUnicodeEscape, 2),
        ("\"\\ud800\"", .loneSurrogate, 2),
        ("\"\\udc00\"", .loneSurrogate, 2),
        ("\"\\ud800\\u0041\"", .loneSurrogate, 2),
        ("\"\\ud800\\ud800\"", .loneSurrogate, 2),
        ("\"\\ud800x\"", .loneSurrogate, 2),
        ("\"x\\ud800\\n\"", .loneSurrogate, 3),
        ("\"\\ud800\\uZZZZ\"", .invalidUnicodeEscape, 8),
        ("{\"a\":1,\"a\":2}", .duplicateKey, 8),
        ("{\"a\":1}x", .trailingCharacters, 8),
        ("{} {}", .trailingCharacters, 4),
        ("[1]]", .trailingCharacters, 4),
        ("truex", .trailingCharacters, 5),
    ]

    @Test("Invalid JSON fails with the exact reason and column", arguments: invalid)
    func rejectsInvalid(text: String, reason: JSONParseError.Reason, column: Int) throws {
        let error = #expect(throws: JSONParseError.self) { try JSONValue(parsing: text, line: 7) }
        #expect(error == JSONParseError(line: 7, column: column, reason: reason))
    }

    // MARK: Duplicate keys

    @Test("A repeated key is refused, in small and large objects and at any depth")
    func duplicateKeys() throws {
        // Above the parser's linear-scan threshold, the check switches to a set.
        let many = (0 ..< 40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(try JSONValue(parsing: "{\(many)}").objectValue?.count == 40)
        let text = "{\(many),\"k29\":0}"
        let error = #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
        #expect(error?.reason == .duplicateKey)
        #expect(error?.column == text.utf8.count - 7)

        let nested = #"{"a":{"x":1,"y":2,"x":3}}"#
        #expect(throws: JSONParseError(line: 1, column: 19, reason: .duplicateKey)) { try JSONValue(parsing: nested) }
        // The same key in different objects, and keys differing only in case, are fine.
        #expect(throws: Never.self) { try JSONValue(parsing: #"{"a":{"a":1},"b":{"a":2},"A":3}"#) }
    }

    @Test("Keys that are canonically equivalent Unicode are the same key")
    func canonicallyEquivalentKeys() {
        let text = "{\"\u{E9}\":1,\"e\u{301}\":2}"
        #expect(throws: JSONParseError(line: 1, column: 9, reason: .duplicateKey)) { try JSONValue(parsing: text) }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: #"{"\u00e9":1,"e\u0301":2}"#) }
    }

    // MARK: Nesting

    @Test("Nesting up to the limit parses; one level more fails at the bracket too deep")
    func nesting() throws {
        let limit = JSONLimits.defaultMaximumDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(throws: Never.self) { try JSONValue(parsing: deepest) }
        let tooDeep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        #expect(throws: JSONParseError(line: 1, column: limit + 1, reason: .nestingTooDeep(limit: limit))) {
            try JSONValue(parsing: tooDeep)
        }
        // Objects count too; scalars do not.
        let objects = String(repeating: "{\"a\":", count: limit) + "1" + String(repeating: "}", count: limit)
        #expect(throws: Never.self) { try JSONValue(parsing: objects) }
        let objectsTooDeep = String(repeating: "{\"a\":", count: limit + 1) + "1" + String(repeating: "}", count: limit + 1)
        #expect(throws: JSONParseError(line: 1, column: limit * 5 + 1, reason: .nestingTooDeep(limit: limit))) {
            try JSONValue(parsing: objectsTooDeep)
        }
        // Sibling containers do not add up.
        let wide = "[" + Array(repeating: "[[]]", count: 1000).joined(separator: ",") + "]"
        #expect(throws: Never.self) { try JSONValue(parsing: wide, limits: JSONLimits(maximumDepth: 3)) }
        #expect(throws: JSONParseError(line: 1, column: 6, reason: .nestingTooDeep(limit: 1))) {
            try JSONValue(parsing: #"{"a":[]}"#, limits: JSONLimits(maximumDepth: 1))
        }
    }

    @Test("A hundred thousand open brackets fail cleanly instead of exhausting the stack")
    func hostileNesting() {
        let text = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError(line: 1, column: 33, reason: .nestingTooDeep(limit: 32))) { try JSONValue(parsing: text) }
    }

    // MARK: UTF-8

    /// Raw bytes (not Swift strings, which are always valid) and the column of the first bad byte.
    static let invalidUTF8: [([UInt8], Int)] = [
        ([0x22, 0xFF, 0x22], 2),  // never valid
        ([0x22, 0x80, 0x22], 2),  // stray continuation byte
        ([0x22, 0xC0, 0xAF, 0x22], 2),  // overlong "/"
        ([0x22, 0xC1, 0xBF, 0x22], 2),  // overlong
        ([0x22, 0xE0, 0x80, 0xAF, 0x22], 2),  // overlong, three bytes
        ([0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22], 2),  // overlong, four bytes
        ([0x22, 0xED, 0xA0, 0x80, 0x22], 2),  // encoded surrogate U+D800
        ([0x22, 0xED, 0xBF, 0xBF, 0x22], 2),  // encoded surrogate U+DFFF
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 2),  // above U+10FFFF
        ([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], 2),
        ([0x22, 0xC3, 0x22], 2),  // truncated before the closing quote
        ([0x22, 0xE2, 0x82, 0x22], 2),
        ([0x22, 0x61, 0xC3, 0xA9, 0xC3], 5),  // truncated at the end of the line
        ([0x7B, 0xFF, 0x7D], 2),  // outside a string: still reported as UTF-8
        ([0x22, 0x61, 0x22, 0x20, 0xE2, 0x82], 5),  // after the value: UTF-8 is checked first
        (Array("\"aaaaaaaaaaaaaaaaaaaa".utf8) + [0xFF, 0x22], 22),  // after the eight-byte fast path
        (Array("{\"a\":\"".utf8) + [0xCE, 0xBB, 0xCE] + Array("\"}".utf8), 9),
    ]

    @Test("Ill-formed UTF-8 anywhere in the line fails at its first byte", arguments: invalidUTF8)
    func rejectsInvalidUTF8(bytes: [UInt8], column: Int) {
        #expect(throws: JSONParseError(line: 1, column: column, reason: .invalidUTF8)) { try JSONValue(parsing: bytes) }
    }

    @Test("Well-formed UTF-8 at the edges of each sequence length parses to the same characters")
    func acceptsUTF8Edges() throws {
        let scalars: [UInt32] = [0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF]
        for value in scalars {
            let scalar = try #require(Unicode.Scalar(value))
            let bytes = [0x22] + Array(String(scalar).utf8) + [0x22]
            #expect(try JSONValue(parsing: bytes) == .string(String(scalar)))
        }
    }

    @Test("The UTF-8 check agrees with the standard library on random bytes")
    func utf8AgreesWithStandardLibrary() {
        var rng = SplitMix64(seed: 3339)
        let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        for _ in 0 ..< 20_000 {
            let bytes = (0 ..< Int.random(in: 0 ... 12, using: &rng)).map { _ in
                Bool.random(using: &rng) ? interesting.randomElement(using: &rng)! : UInt8.random(in: 0 ... 255, using: &rng)
            }
            let ours = bytes.withUnsafeBytes { UTF8Validation.firstInvalidOffset(in: $0) }
            let standard = String(validating: bytes, as: UTF8.self)
            #expect((ours == nil) == (standard != nil), "\(bytes)")
            if let ours {
                // Everything before the reported offset is itself valid.
                #expect(String(validating: bytes[..<ours], as: UTF8.self) != nil, "\(bytes)")
            }
        }
    }

    // MARK: Size

    @Test("A string of almost a mebibyte parses; a line one byte over the limit fails")
    func hugeStrings() throws {
        let limit = JSONLimits.defaultMaximumLineLength
        let body = String(repeating: "x", count: limit - 2)
        #expect(try JSONValue(parsing: "\"" + body + "\"").stringValue?.utf8.count == limit - 2)
        #expect(throws: JSONParseError(line: 1, column: limit + 1, reason: .lineTooLong(limit: limit))) {
            try JSONValue(parsing: "\"" + body + "x\"")
        }
        // Escapes and multibyte characters throughout.
        let escaped = String(repeating: "\\n\\u00e9\\ud83d\\ude00ø", count: 40_000)
        let decoded = try #require(try JSONValue(parsing: "[\"" + escaped + "\"]").arrayValue?.first?.stringValue)
        #expect(decoded == String(repeating: "\né😀ø", count: 40_000))
        // A custom limit.
        let small = JSONLimits(maximumLineLength: 8)
        #expect(try JSONValue(parsing: "\"123456\"", limits: small) == "123456")
        #expect(throws: JSONParseError(line: 1, column: 9, reason: .lineTooLong(limit: 8))) {
            try JSONValue(parsing: "\"1234567\"", limits: small)
        }
    }

    @Test("Property: damaged lines either fail with a parse error or parse to a value that round-trips", arguments: 0 ..< 4)
    func damagedLines(seed: UInt64) throws {
        var rng = SplitMix64(seed: 1_000 + seed)
        let limits = JSONLimits(maximumLineLength: 4_096, maximumDepth: 8)
        for _ in 0 ..< 2_000 {
            var bytes = RandomJSON.value(using: &rng, maximumDepth: 4).serializedBytes()
            for _ in 0 ..< Int.random(in: 1 ... 3, using: &rng) where !bytes.isEmpty {
                let position = Int.random(in: 0 ..< bytes.count, using: &rng)
                switch Int.random(in: 0 ..< 3, using: &rng) {
                case 0: bytes[position] = UInt8.random(in: 0 ... 255, using: &rng)
                case 1: bytes.remove(at: position)
                default: bytes.insert(Array("{}[]\",:0-.e\\u".utf8).randomElement(using: &rng)!, at: position)
                }
            }
            do {
                let value = try JSONValue(parsing: bytes, limits: limits)
                #expect(try JSONValue(parsing: value.serializedBytes(), limits: limits) == value)
            } catch {
                #expect((1 ... bytes.count + 1).contains(error.column))
            }
        }
    }

    // MARK: Values

    @Test("JSONNumber accepts only literals that are not Int64 integers")
    func numberLiterals() {
        for literal in ["1.0", "-0", "1e5", "-2.5E-3", "99999999999999999999"] {
            #expect(JSONNumber(literal: literal)?.literal == literal)
        }
        for literal in ["1", "-42", "+1", "01", "1.", ".5", " 1.0", "1.0 ", "NaN", "Infinity", "", "1e", "0x1"] {
            #expect(JSONNumber(literal: literal) == nil, "\(literal)")
        }
        #expect(JSONNumber(0.1)?.literal == "0.1")
        #expect(JSONNumber(5)?.literal == "5.0")
        #expect(JSONNumber(.infinity) == nil)
        #expect(JSONNumber(.nan) == nil)
        #expect(JSONNumber(literal: "2.5e3")?.doubleValue == 2500)
    }

    @Test("JSONObject keeps order on insert, replaces in place and removes")
    func objectEditing() {
        var object: JSONObject = ["b": 1, "a": 2]
        object["c"] = 3
        object["b"] = "two"
        #expect(object.keys == ["b", "a", "c"])
        #expect(object["b"] == "two")
        object["a"] = nil
        #expect(object.keys == ["b", "c"])
        #expect(object.values == ["two", 3])
        #expect(object["missing"] == nil)
        // Order is part of equality.
        #expect(JSONValue.object(["a": 1, "b": 2]) != .object(["b": 2, "a": 1]))
    }

    @Test("Accessors return nil for other kinds; kinds describe themselves without values")
    func accessors() throws {
        let value = try JSONValue(parsing: #"{"s":"x","i":3,"n":2.5,"b":true,"z":null,"a":[1]}"#)
        #expect(value["s"]?.stringValue == "x")
        #expect(value["s"]?.integerValue == nil)
        #expect(value["i"]?.integerValue == 3)
        #expect(value["i"]?.doubleValue == 3)
        #expect(value["n"]?.doubleValue == 2.5)
        #expect(value["b"]?.boolValue == true)
        #expect(value["z"]?.isNull == true)
        #expect(value["a"]?.arrayValue == [1])
        #expect(value["a"]?["x"] == nil)
        #expect(value["missing"] == nil)
        #expect(value["n"]?.kind.description == "a number")
        #expect(value.kind.description == "an object")
    }
}
