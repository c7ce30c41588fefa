/// The end of the hash chain as a transaction extends it.
struct Chain {
    var head: UInt64
    var hash: RecordHash

    /// The end of the chain as stored in `txn`: the meta head and head hash.
    static func stored(in txn: Transaction, layout: StoreLayout) throws -> Chain {
        let head = try StoreLayout.MetaKey.head.withUnsafeBytes { try txn.get(layout.meta, $0) }.map { bigEndianUInt64($0) } ?? 0
        let hash = try StoreLayout.MetaKey.headHash.withUnsafeBytes { try txn.get(layout.meta, $0) }.map { RecordHash($0) } ?? .zero
        return Chain(head: head, hash: hash)
    }
}
