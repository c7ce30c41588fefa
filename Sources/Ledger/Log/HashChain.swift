internal import CCryptoBoringSSL

/// The hash chain: each record's hash is SHA-256 over the previous record's hash and the
/// record's canonical bytes (everything before its own hash).
///
/// The digest is computed by BoringSSL, the implementation behind swift-crypto's `SHA256`
/// (its `CCryptoBoringSSL` module, which the `Crypto` product builds and links), through a
/// context on the stack: swift-crypto's `SHA256` allocates a context object per hash, which
/// the writer would pay once per appended record. A test checks the two agree on inputs of
/// every length from 0 to 600 bytes.
enum HashChain {
    /// The hash of a record whose canonical bytes are `canonical`, following `previous`.
    @inline(__always)
    static func hash(after previous: RecordHash, canonical: UnsafeRawBufferPointer) -> RecordHash {
        var context = SHA256_CTX()
        CCryptoBoringSSL_SHA256_Init(&context)
        previous.withUnsafeBytes { _ = CCryptoBoringSSL_SHA256_Update(&context, $0.baseAddress, $0.count) }
        _ = CCryptoBoringSSL_SHA256_Update(&context, canonical.baseAddress, canonical.count)
        var digest = RecordHash.zero.bytes
        withUnsafeMutableBytes(of: &digest) { _ = CCryptoBoringSSL_SHA256_Final($0.baseAddress!.assumingMemoryBound(to: UInt8.self), &context) }
        return RecordHash(bytes: digest)
    }
}
