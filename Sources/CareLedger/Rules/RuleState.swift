import Ledger

/// The state the rules need, as key-value entries: which organisations joined (their kind and
/// country), which persons are registered (their role and organisation), each challenge's
/// stage, and which solutions, courses and partnerships exist.
///
/// Keys are one letter for the entity's kind followed by its id's bytes; values are a few
/// bytes of vocabulary codes (see ``RuleStateKey`` and ``RuleBook``). The same entries live in
/// an LMDB table beside the log (``StoredRuleState``, kept by the ``RulesHook``) and, during an
/// import's validation, in memory over that table (``RuleStateOverlay``).
protocol RuleStateStorage {
    /// The value under `key`, copied, or `nil`.
    func value(for key: [UInt8]) throws -> [UInt8]?
    /// Stores `value` under `key`.
    mutating func set(_ value: [UInt8], for key: [UInt8]) throws
}

extension RuleStateStorage {
    /// Whether an entry exists under `key`.
    func contains(_ key: [UInt8]) throws -> Bool { try value(for: key) != nil }
}

/// The keys of the rule state.
enum RuleStateKey {
    static func organisation(_ id: UnsafeRawBufferPointer) -> [UInt8] { key("o", id) }
    static func person(_ id: UnsafeRawBufferPointer) -> [UInt8] { key("p", id) }
    static func challenge(_ id: UnsafeRawBufferPointer) -> [UInt8] { key("c", id) }
    static func solution(_ id: UnsafeRawBufferPointer) -> [UInt8] { key("s", id) }
    static func course(_ id: UnsafeRawBufferPointer) -> [UInt8] { key("k", id) }
    static func partnership(_ id: UnsafeRawBufferPointer) -> [UInt8] { key("t", id) }
    /// The position of the last record the state includes (8 bytes, big-endian).
    static let checkpoint: [UInt8] = Array("#position".utf8)

    private static func key(_ letter: Unicode.Scalar, _ id: UnsafeRawBufferPointer) -> [UInt8] {
        var key = [UInt8]()
        key.reserveCapacity(id.count + 1)
        key.append(UInt8(ascii: letter))
        key.append(contentsOf: id)
        return key
    }
}

/// The rule state in its LMDB table, read and written inside a write transaction.
struct StoredRuleState: RuleStateStorage {
    let scope: WriteScope
    let table: Table

    func value(for key: [UInt8]) throws -> [UInt8]? { try scope.value(for: key, in: table) }
    func set(_ value: [UInt8], for key: [UInt8]) throws { try scope.set(value, for: key, in: table) }

    /// The position of the last record the stored state includes; 0 when none.
    func checkpoint() throws -> UInt64 {
        guard let bytes = try value(for: RuleStateKey.checkpoint), bytes.count == 8 else { return 0 }
        return bytes.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)) }
    }

    /// Records that the state includes every record through `position`.
    func setCheckpoint(_ position: UInt64) throws {
        try set(withUnsafeBytes(of: position.bigEndian) { Array($0) }, for: RuleStateKey.checkpoint)
    }
}

/// The rule state of a read snapshot with an import's own changes over it, in memory: what an
/// import validates its lines against before it stores any of them.
///
/// Memory: one entry per entity the file creates or changes.
struct RuleStateOverlay: RuleStateStorage {
    let base: ReadScope
    let table: Table
    private var changes: [[UInt8]: [UInt8]] = [:]

    init(base: ReadScope, table: Table) {
        self.base = base
        self.table = table
    }

    func value(for key: [UInt8]) throws -> [UInt8]? {
        if let changed = changes[key] { return changed }
        return try base.value(for: key, in: table)
    }

    mutating func set(_ value: [UInt8], for key: [UInt8]) throws { changes[key] = value }
}
