import Ledger

/// Where projection state is persisted: one checkpoint per projection, and snapshots every
/// N events, in two tables of the ledger's store.
///
/// | table | key | value |
/// |---|---|---|
/// | `projections.checkpoints` | projection name (UTF-8) | version (u32 LE), position (u64 LE), state bytes |
/// | `projections.snapshots` | name, 0x00, version (u32 BE), position (u64 BE) | state bytes |
///
/// A checkpoint is one value holding the position *and* the state folded through it, so a
/// crash can never leave a read model that disagrees with its checkpoint.
struct CheckpointStore: Sendable {
    let checkpoints: Table
    let snapshots: Table

    init(_ ledger: Ledger) async throws {
        checkpoints = try await ledger.table(named: "projections.checkpoints")
        snapshots = try await ledger.table(named: "projections.snapshots")
    }

    /// A stored checkpoint, borrowed from the snapshot it was read in.
    struct Stored {
        var version: UInt32
        var position: UInt64
        var state: UnsafeRawBufferPointer
    }

    func checkpoint(of name: String, in scope: ReadScope) throws -> Stored? {
        guard let value = try Array(name.utf8).withUnsafeBytes({ try scope.value(for: $0, in: checkpoints) }), value.count >= 12 else {
            return nil
        }
        return Stored(
            version: UInt32(littleEndian: value.loadUnaligned(as: UInt32.self)),
            position: UInt64(littleEndian: value.loadUnaligned(fromByteOffset: 4, as: UInt64.self)),
            state: UnsafeRawBufferPointer(rebasing: value[12...]))
    }

    static func checkpointValue(version: UInt32, position: UInt64, state: [UInt8]) -> [UInt8] {
        var value = [UInt8]()
        value.reserveCapacity(12 + state.count)
        withUnsafeBytes(of: version.littleEndian) { value.append(contentsOf: $0) }
        withUnsafeBytes(of: position.littleEndian) { value.append(contentsOf: $0) }
        value.append(contentsOf: state)
        return value
    }

    func saveCheckpoint(of slot: ProjectionSlot, in scope: WriteScope) throws {
        let value = Self.checkpointValue(version: slot.version, position: slot.position, state: slot.encodedState())
        try scope.set(value, for: Array(slot.name.utf8), in: checkpoints)
    }

    static func snapshotPrefix(_ name: String, version: UInt32) -> [UInt8] {
        var key = Array(name.utf8)
        key.append(0)
        withUnsafeBytes(of: version.bigEndian) { key.append(contentsOf: $0) }
        return key
    }

    static func snapshotKey(_ name: String, version: UInt32, position: UInt64) -> [UInt8] {
        var key = snapshotPrefix(name, version: version)
        withUnsafeBytes(of: position.bigEndian) { key.append(contentsOf: $0) }
        return key
    }

    /// The latest snapshot of `name` at `version` at or before `position`.
    func snapshot(of name: String, version: UInt32, atOrBefore position: UInt64, in scope: ReadScope) throws -> (position: UInt64, state: UnsafeRawBufferPointer)? {
        let prefix = Self.snapshotPrefix(name, version: version)
        guard let entry = try scope.lastEntry(atMost: Self.snapshotKey(name, version: version, position: position), in: snapshots),
              entry.key.count == prefix.count + 8, entry.key.starts(with: prefix)
        else { return nil }
        let at = entry.key.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: prefix.count, as: UInt64.self)) }
        return (at, entry.value)
    }

    /// Removes every snapshot of `name` whose version is not `keep`.
    func removeSnapshots(of name: String, except keep: UInt32?, in scope: WriteScope) throws {
        var prefix = Array(name.utf8)
        prefix.append(0)
        var doomed: [[UInt8]] = []
        let kept = keep.map { Self.snapshotPrefix(name, version: $0) }
        try scope.reader.forEach(in: snapshots, from: prefix) { key, _ in
            guard key.starts(with: prefix) else { return false }
            if let kept, key.starts(with: kept) { return true }
            doomed.append(Array(key))
            return true
        }
        for key in doomed { try scope.removeValue(for: key, in: snapshots) }
    }
}
