import CareLedger
import Testing

@Suite("JSON writer: escaping, key order, round trips and buffered files")
struct JSONWriterTests {
    static let escapes: [(String, String)] = [
        ("plain", #""plain""#),
        ("\"", #""\"""#),
        ("\\", #""\\""#),
        ("/", #""/""#),
        ("\n\r\t\u{8}\u{C}", #""\n\r\t\b\f""#),
        ("\u{0}", #""\u0000""#),
        ("\u{1}\u{1A}\u{1F}", #""\u0001\u001a\u001f""#),
        ("a\u{0}b", #""a\u0000b""#),
        ("\u{7F}", "\"\u{7F}\""),
        ("é€😀\u{2028}\u{10FFFF}", "\"é€😀\u{2028}\u{10FFFF}\""),
        ("", #""""#),
    ]

    @Test("Strings are escaped as RFC 8785 does, and nothing else is escaped", arguments: escapes)
    func escaping(string: String, expected: String) throws {
        #expect(JSONValue.string(string).serialized() == expected)
        #expect(try JSONValue(parsing: expected) == .string(string))
    }

    @Test("Objects are written in their order, compactly; numbers exactly")
    func layout() {
        let value: JSONValue = [
            "z": 1, "a": [true, false, nil], "m": ["y": "", "b": [:]],
            "min": .integer(.min), "max": .integer(.max), "n": .number(JSONNumber(literal: "1.50")!),
        ]
        #expect(value.serialized() == #"{"z":1,"a":[true,false,null],"m":{"y":"","b":{}},"min":-9223372036854775808,"max":9223372036854775807,"n":1.50}"#)
        #expect(JSONValue.array([]).serialized() == "[]")
        #expect(JSONValue(floatLiteral: 0.25).serialized() == "0.25")
    }

    @Test("Property: random values written and parsed again are equal", arguments: 0 ..< 8)
    func roundTrip(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for _ in 0 ..< 500 {
            let value = RandomJSON.value(using: &rng)
            let bytes = value.serializedBytes()
            #expect(String(validating: bytes, as: UTF8.self) != nil)
            #expect(!bytes.contains(0x0A), "a written value must fit on one line")
            let parsed = try JSONValue(parsing: bytes)
            #expect(parsed == value)
            #expect(parsed.serializedBytes() == bytes, "writing is deterministic")
        }
    }

    @Test("A file written through a small buffer reads back line for line")
    func fileRoundTrip() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/export.jsonl"
            var rng = SplitMix64(seed: 42)
            let values = (0 ..< 2_000).map { _ in RandomJSON.value(using: &rng, maximumDepth: 3) }
            let writer = try JSONLinesWriter(path: path, mode: .createNew, configuration: .init(bufferCapacity: 100))
            for value in values { try writer.write(value) }
            #expect(writer.linesWritten == values.count)
            try writer.close()
            try writer.close()  // a second close does nothing

            let expected: [UInt8] = values.flatMap { $0.serializedBytes() + [0x0A] }
            #expect(try readFile(path) == expected)

            let reader = try JSONLinesReader(path: path, configuration: .init(chunkSize: 97))
            var read: [JSONValue] = []
            try reader.forEachLine { line in
                #expect(line.number == read.count + 1)
                read.append(line.value)
            }
            #expect(read == values)
        }
    }

    @Test("Modes: createNew refuses an existing file, truncate empties it, append adds to it")
    func modes() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/out.jsonl"
            let first = try JSONLinesWriter(path: path, mode: .createNew)
            try first.write(["n": 1])
            try first.close()

            let error = #expect(throws: InterchangeIOError.self) { try JSONLinesWriter(path: path, mode: .createNew) }
            #expect(error?.code == .fileExists)
            #expect(error?.operation == "open")
            #expect(error?.path == path)

            let appender = try JSONLinesWriter(path: path, mode: .append)
            try appender.write(["n": 2])
            try appender.close()
            #expect(try readFile(path) == Array("{\"n\":1}\n{\"n\":2}\n".utf8))

            let truncater = try JSONLinesWriter(path: path, mode: .truncate)
            try truncater.write(["n": 3])
            try truncater.synchronize()
            #expect(try readFile(path) == Array("{\"n\":3}\n".utf8))
            try truncater.close()
        }
    }

    @Test("A writer dropped without close still flushes what it buffered")
    func deinitFlushes() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/dropped.jsonl"
            do {
                let writer = try JSONLinesWriter(path: path, mode: .createNew)
                try writer.write("kept")
            }
            #expect(try readFile(path) == Array("\"kept\"\n".utf8))
        }
    }

    @Test("A failed write is reported, and again on every later call")
    func failedWriteIsSticky() throws {
        // A descriptor opened read-only cannot be written: write(2) fails with EBADF.
        try withTemporaryDirectory { directory in
            let path = directory + "/readonly.jsonl"
            try writeFile(path, [])
            let descriptor = open(path, O_RDONLY)
            #expect(descriptor >= 0)
            defer { close(descriptor) }
            let writer = JSONLinesWriter(fileDescriptor: descriptor, configuration: .init(bufferCapacity: 1))
            let first = #expect(throws: InterchangeIOError.self) { try writer.write(1) }
            #expect(first?.code == .badFileDescriptor)
            #expect(first?.operation == "write")
            #expect(first?.path == nil)
            let second = #expect(throws: InterchangeIOError.self) { try writer.write(2) }
            #expect(second == first)
            #expect(throws: InterchangeIOError.self) { try writer.flush() }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
