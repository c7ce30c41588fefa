import Synchronization

/// Memory holding the encoded records of one large append, end to end: written by the
/// appending task (``EncodedAppend/encodeRecords(into:)``), completed in place by the
/// ``ChainHasher`` (assigned fields and hash), and copied into the store by the writer.
///
/// `@unchecked Sendable`: the bytes are written by one thread at a time, handed over by the
/// writer's queue (task → writer) and by the hasher's atomics (hasher → writer).
final class RecordBytes: @unchecked Sendable {
    let bytes: UnsafeMutableRawBufferPointer

    /// Uninitialized room for `count` bytes.
    init(count: Int) {
        bytes = .allocate(byteCount: Swift.max(count, 1), alignment: 16)
    }

    deinit { bytes.deallocate() }
}

/// One ``RecordBytes`` kept between appends, so that encoding the records of consecutive
/// large appends reuses memory already mapped instead of faulting in fresh pages each time
/// (a 10,000-event append takes 2 MB). Buffers over ``keptLimit`` are not kept.
///
/// `Sendable`: the spare is behind a `Mutex`, taken once per append.
final class RecordBytesPool: Sendable {
    /// The largest buffer kept while no append uses it.
    static let keptLimit = 16 << 20

    private let spare = Mutex<RecordBytes?>(nil)

    /// Room for at least `count` bytes: the spare when it is large enough, else new memory.
    func take(count: Int) -> RecordBytes {
        let kept = spare.withLock { spare -> RecordBytes? in
            guard let buffer = spare, buffer.bytes.count >= count else { return nil }
            spare = nil
            return buffer
        }
        return kept ?? RecordBytes(count: count)
    }

    /// Keeps `buffer` as the spare when it is larger than the spare and within ``keptLimit``.
    func giveBack(_ buffer: RecordBytes) {
        guard buffer.bytes.count <= Self.keptLimit else { return }
        spare.withLock { spare in
            if spare.map({ $0.bytes.count < buffer.bytes.count }) ?? true { spare = buffer }
        }
    }
}
