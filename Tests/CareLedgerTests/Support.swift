import CareLedger
import Foundation
import Testing

/// A temporary directory for one test, removed when `body` returns or throws.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    var template = Array((FileManager.default.temporaryDirectory.path + "/careledger-interchange-XXXXXX").utf8CString)
    let root = String(cString: try #require(mkdtemp(&template)))
    defer { try? FileManager.default.removeItem(atPath: root) }
    return try body(root)
}

/// Writes `bytes` to a new file at `path`.
func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
}

/// The bytes of the file at `path`.
func readFile(_ path: String) throws -> [UInt8] {
    [UInt8](try #require(FileManager.default.contents(atPath: path)))
}

/// Random JSON values that exercise the writer's escaping and the parser's number handling.
enum RandomJSON {
    /// Characters chosen to hit every escaping rule and every UTF-8 sequence length.
    static let characters: [Character] = [
        "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{8}", "\u{C}", "\u{1F}",
        "\u{7F}", "é", "ø", "å", "€", "\u{2028}", "\u{FFFD}", "\u{FEFF}", "😀", "\u{10FFFF}", "e\u{301}", "{", "}", ":", ",",
    ]

    static func string(using rng: inout SplitMix64, maximumLength: Int = 12) -> String {
        String((0 ..< Int.random(in: 0 ... maximumLength, using: &rng)).map { _ in characters.randomElement(using: &rng)! })
    }

    static func integer(using rng: inout SplitMix64) -> Int64 {
        switch Int.random(in: 0 ..< 4, using: &rng) {
        case 0: [Int64.min, Int64.max, 0, -1, 1, Int64.min + 1, Int64.max - 1].randomElement(using: &rng)!
        case 1: Int64.random(in: -1000 ... 1000, using: &rng)
        default: Int64.random(in: .min ... .max, using: &rng)
        }
    }

    /// A number literal that is not an `Int64` integer: fractions, exponents, `-0`, huge integers.
    static func number(using rng: inout SplitMix64) -> JSONNumber {
        let digits = { (rng: inout SplitMix64, count: Int) in
            String((0 ..< count).map { _ in Character(String(Int.random(in: 0 ... 9, using: &rng))) })
        }
        let literal: String
        switch Int.random(in: 0 ..< 5, using: &rng) {
        case 0: literal = "-0"
        case 1: literal = String(Int.random(in: -99999 ... 99999, using: &rng)) + "." + digits(&rng, Int.random(in: 1 ... 8, using: &rng))
        case 2:
            let exponent = ["e", "E", "e+", "e-", "E-"].randomElement(using: &rng)! + String(Int.random(in: 0 ... 400, using: &rng))
            literal = String(Int.random(in: -9 ... 9, using: &rng)) + exponent
        case 3: literal = (Bool.random(using: &rng) ? "-" : "") + "1" + digits(&rng, Int.random(in: 19 ... 40, using: &rng))
        default: literal = String(describing: Double.random(in: -1e300 ... 1e300, using: &rng))
        }
        guard let number = JSONNumber(literal: literal) else { preconditionFailure("generated an invalid number literal") }
        return number
    }

    /// A random value nested at most `maximumDepth` levels deep.
    static func value(using rng: inout SplitMix64, maximumDepth: Int = 5) -> JSONValue {
        switch Int.random(in: 0 ..< (maximumDepth > 0 ? 8 : 5), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .integer(integer(using: &rng))
        case 3: return .number(number(using: &rng))
        case 4: return .string(string(using: &rng))
        case 5: return .array((0 ..< Int.random(in: 0 ... 4, using: &rng)).map { _ in value(using: &rng, maximumDepth: maximumDepth - 1) })
        default:
            var object = JSONObject()
            for _ in 0 ..< Int.random(in: 0 ... 5, using: &rng) {
                let key = string(using: &rng, maximumLength: 6)
                if object[key] == nil { object[key] = value(using: &rng, maximumDepth: maximumDepth - 1) }
            }
            return .object(object)
        }
    }
}
