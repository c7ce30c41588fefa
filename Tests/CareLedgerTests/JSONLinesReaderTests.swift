@testable import CareLedger
import Testing

@Suite("JSON Lines reader: chunked, bounded, line by line, nothing skipped silently")
struct JSONLinesReaderTests {
    /// Every outcome of reading `bytes` to the end: a line's number and value, or its error.
    static func outcomes(_ bytes: [UInt8], chunkSize: Int = 7, limits: JSONLimits = JSONLimits()) -> [Result<JSONLine, JSONParseError>] {
        let reader = JSONLinesReader(bytes: bytes, configuration: .init(chunkSize: chunkSize, limits: limits))
        return outcomes(of: reader)
    }

    static func outcomes(of reader: JSONLinesReader) -> [Result<JSONLine, JSONParseError>] {
        var results: [Result<JSONLine, JSONParseError>] = []
        while true {
            do {
                guard let line = try reader.next() else { return results }
                results.append(.success(line))
            } catch let error as JSONParseError {
                results.append(.failure(error))
            } catch {
                Issue.record("unexpected error \(error)")
                return results
            }
        }
    }

    @Test("Lines are numbered from 1 and located by byte offset")
    func basic() throws {
        let text = "{\"a\":1}\n[2]\n\"three\"\n"
        let lines = try Self.outcomes(Array(text.utf8)).map { try $0.get() }
        #expect(lines == [
            JSONLine(number: 1, byteOffset: 0, value: ["a": 1]),
            JSONLine(number: 2, byteOffset: 8, value: [2]),
            JSONLine(number: 3, byteOffset: 12, value: "three"),
        ])
    }

    @Test("CRLF and LF endings, mixed, and a last line without a terminator")
    func lineEndings() throws {
        let text = "1\r\n2\n3\r\n 4 \r\r\n5"
        let lines = try Self.outcomes(Array(text.utf8), chunkSize: 2).map { try $0.get() }
        #expect(lines.map(\.value) == [1, 2, 3, 4, 5])
        #expect(lines.map(\.number) == [1, 2, 3, 4, 5])
        #expect(lines.map(\.byteOffset) == [0, 3, 5, 8, 14])
        // A final "\r" without "\n" is dropped like a "\r\n".
        #expect(try Self.outcomes(Array("1\n2\r".utf8)).map { try $0.get().value } == [1, 2])
    }

    @Test("An empty input has no lines; a lone newline is one blank line")
    func emptyInput() {
        #expect(Self.outcomes([]).isEmpty)
        #expect(Self.outcomes([0x0A]) == [.failure(JSONParseError(line: 1, column: 1, reason: .blankLine))])
    }

    @Test("Blank lines are errors, reported with their number; reading continues after them")
    func blankLines() throws {
        let text = "1\n\n2\n  \t\n3\r\n\r\n4\n\n"
        let results = Self.outcomes(Array(text.utf8))
        let blank = { (line: Int) in Result<JSONLine, JSONParseError>.failure(JSONParseError(line: line, column: 1, reason: .blankLine)) }
        #expect(results.count == 8)
        #expect(results[1] == blank(2))
        #expect(results[3] == blank(4))
        #expect(results[5] == blank(6))
        #expect(results[7] == blank(8))
        #expect(try [0, 2, 4, 6].map { try results[$0].get().value } == [1, 2, 3, 4])
        #expect(try [0, 2, 4, 6].map { try results[$0].get().number } == [1, 3, 5, 7])
    }

    @Test("A bad line fails with its own number and column; the lines after it still read")
    func continuesAfterError() throws {
        let text = "{\"ok\":1}\n{\"ok\":2,}\n{\"ok\":3}\n[1 2]\n"
        let results = Self.outcomes(Array(text.utf8))
        #expect(results.count == 4)
        #expect(results[1] == .failure(JSONParseError(line: 2, column: 9, reason: .expectedKey)))
        #expect(try results[2].get().value == ["ok": 3])
        #expect(results[3] == .failure(JSONParseError(line: 4, column: 4, reason: .expectedCommaOrEndOfArray)))
    }

    @Test("forEachLine stops at the first error")
    func forEachLineStops() {
        let reader = JSONLinesReader(bytes: Array("1\nx\n3\n".utf8))
        var seen: [JSONValue] = []
        #expect(throws: JSONParseError(line: 2, column: 1, reason: .expectedValue)) {
            try reader.forEachLine { seen.append($0.value) }
        }
        #expect(seen == [1])
    }

    /// Lines of many lengths, with multibyte characters and CRLF endings, so that with small
    /// chunks every kind of byte (inside a UTF-8 sequence, a `\r` before its `\n`) lands on a
    /// chunk boundary somewhere.
    static func straddlingLines() -> (bytes: [UInt8], values: [JSONValue]) {
        var rng = SplitMix64(seed: 7)
        var bytes: [UInt8] = []
        var values: [JSONValue] = []
        for index in 0 ..< 60 {
            let value: JSONValue = [
                "n": .integer(Int64(index)),
                "s": .string(String(repeating: "ø😀a", count: index % 9)),
                "x": RandomJSON.value(using: &rng, maximumDepth: 2),
            ]
            values.append(value)
            bytes += value.serializedBytes() + (index.isMultiple(of: 3) ? [0x0D, 0x0A] : [0x0A])
        }
        bytes.removeLast()  // the last line ends without "\n" (but with "\r" or nothing)
        return (bytes, values)
    }

    @Test("A file read in small chunks gives the same lines whatever the chunk size", arguments: [1, 2, 3, 5, 7, 16, 64, 1000, 1 << 20])
    func straddlesChunks(chunkSize: Int) throws {
        let (bytes, values) = Self.straddlingLines()
        try withTemporaryDirectory { directory in
            let path = directory + "/events.jsonl"
            try writeFile(path, bytes)
            let reader = try JSONLinesReader(path: path, configuration: .init(chunkSize: chunkSize))
            let lines = try Self.outcomes(of: reader).map { try $0.get() }
            #expect(lines.map(\.value) == values)
            #expect(lines.map(\.number) == Array(1 ... values.count))
            // Each offset points at the line's first byte.
            for line in lines {
                let start = Int(line.byteOffset)
                #expect(line.byteOffset == 0 || bytes[start - 1] == 0x0A)
                #expect(bytes[start] == UInt8(ascii: "{"))
            }
            #expect(try reader.next() == nil, "the end stays the end")
        }
    }

    /// What reading `bytes` must give: split at every `\n`, drop one `\r` before it, and parse each
    /// piece on its own.
    static func referenceOutcomes(_ bytes: [UInt8], limits: JSONLimits) -> [Result<JSONLine, JSONParseError>] {
        var pieces = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if pieces.last?.isEmpty == true { pieces.removeLast() }  // a final terminator ends the last line
        var offset = 0
        return pieces.enumerated().map { index, piece in
            defer { offset += piece.count + 1 }
            let line = piece.last == 0x0D ? piece.dropLast() : piece
            return Result { () throws(JSONParseError) in
                JSONLine(number: index + 1, byteOffset: Int64(offset), value: try JSONValue(parsing: Array(line), line: index + 1, limits: limits))
            }
        }
    }

    @Test("Property: chunked reading gives what splitting the whole input into lines gives", arguments: 0 ..< 6)
    func chunkingIsInvisible(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let limits = JSONLimits(maximumLineLength: 120, maximumDepth: 4)
        for _ in 0 ..< 40 {
            var bytes: [UInt8] = []
            for _ in 0 ..< Int.random(in: 0 ... 30, using: &rng) {
                switch Int.random(in: 0 ..< 10, using: &rng) {
                case 0: break  // blank
                case 1: bytes += Array(repeating: UInt8(ascii: "["), count: Int.random(in: 100 ... 300, using: &rng))  // too long
                case 2: bytes += [0x7B, 0xFF, 0x7D]  // invalid UTF-8
                case 3: bytes += Array("{\"a\":1,}".utf8)
                default: bytes += RandomJSON.value(using: &rng, maximumDepth: 3).serializedBytes()
                }
                bytes += Bool.random(using: &rng) ? [0x0A] : [0x0D, 0x0A]
            }
            if Bool.random(using: &rng), !bytes.isEmpty { bytes.removeLast() }
            let chunkSize = Int.random(in: 1 ... 200, using: &rng)
            let expected = Self.referenceOutcomes(bytes, limits: limits)
            #expect(Self.outcomes(bytes, chunkSize: chunkSize, limits: limits) == expected, "chunk size \(chunkSize)")
        }
    }

    @Test("A line over the limit fails once with its number, and reading resumes after it", arguments: [1, 3, 10, 64])
    func longLines(chunkSize: Int) throws {
        let limits = JSONLimits(maximumLineLength: 16)
        let exactly16 = "\"" + String(repeating: "a", count: 14) + "\""
        let text = "1\n" + String(repeating: "[", count: 100) + "\n" + exactly16 + "\r\n" + exactly16 + "x\n4\n" + String(repeating: "7", count: 17)
        let results = Self.outcomes(Array(text.utf8), chunkSize: chunkSize, limits: limits)
        let tooLong = { (line: Int) in Result<JSONLine, JSONParseError>.failure(JSONParseError(line: line, column: 17, reason: .lineTooLong(limit: 16))) }
        #expect(results.count == 6)
        #expect(try results[0].get().value == 1)
        #expect(results[1] == tooLong(2))
        #expect(try results[2].get().value == .string(String(repeating: "a", count: 14)))
        #expect(results[3] == tooLong(4))
        #expect(try results[4].get() == JSONLine(number: 5, byteOffset: Int64(2 + 101 + 18 + 18), value: 4))
        #expect(results[5] == tooLong(6))
    }

    @Test("Memory stays bounded by one chunk plus one line, however long the file")
    func boundedMemory() throws {
        let configuration = JSONLinesReader.Configuration(chunkSize: 4_096, limits: JSONLimits(maximumLineLength: 1_024))
        try withTemporaryDirectory { directory in
            let path = directory + "/large.jsonl"
            let writer = try JSONLinesWriter(path: path, mode: .createNew)
            var rng = SplitMix64(seed: 11)
            for index in 0 ..< 10_000 {
                let padding = String(repeating: "p", count: Int.random(in: 0 ... 900, using: &rng))
                try writer.write(["i": .integer(Int64(index)), "p": .string(padding)])
            }
            try writer.close()

            let reader = try JSONLinesReader(path: path, configuration: configuration)
            var count = 0
            while let line = try reader.next() {
                #expect(line.value["i"]?.integerValue == Int64(count))
                count += 1
            }
            #expect(count == 10_000)
            #expect(reader.bufferCapacity <= JSONLinesReader.maximumBufferSize(configuration))
            #expect(reader.bufferCapacity <= 4_096 + 1_025)
        }
    }

    @Test("A missing file fails to open; a directory fails on read, after which the reader ends")
    func ioErrors() throws {
        try withTemporaryDirectory { directory in
            let missing = #expect(throws: InterchangeIOError.self) { try JSONLinesReader(path: directory + "/missing.jsonl") }
            #expect(missing?.code == .noSuchFile)
            #expect(missing?.description.contains("open of \(directory)/missing.jsonl failed") == true)

            let reader = try JSONLinesReader(path: directory)
            let error = #expect(throws: InterchangeIOError.self) { try reader.next() }
            #expect(error?.code == .isADirectory)
            #expect(error?.operation == "read")
            #expect(try reader.next() == nil)
        }
    }

    @Test("A descriptor passed in is read from its current position and left open")
    func fileDescriptor() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/fd.jsonl"
            try writeFile(path, Array("1\n2\n".utf8))
            let descriptor = open(path, O_RDONLY)
            #expect(descriptor >= 0)
            defer { close(descriptor) }
            do {
                let reader = JSONLinesReader(fileDescriptor: descriptor, configuration: .init(chunkSize: 1))
                #expect(try reader.next()?.value == 1)
            }
            #expect(lseek(descriptor, 0, SEEK_CUR) >= 0, "the descriptor is still open after the reader is gone")
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
