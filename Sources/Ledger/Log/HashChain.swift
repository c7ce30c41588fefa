import Crypto

/// The hash chain: each record's hash is SHA-256 over the previous record's hash and the
/// record's canonical bytes (everything before its own hash).
enum HashChain {
    /// The hash of a record whose canonical bytes are `canonical`, following `previous`.
    @inline(__always)
    static func hash(after previous: RecordHash, canonical: UnsafeRawBufferPointer) -> RecordHash {
        var hasher = SHA256()
        previous.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: canonical)
        return hasher.finalize().withUnsafeBytes { RecordHash($0) }
    }
}
