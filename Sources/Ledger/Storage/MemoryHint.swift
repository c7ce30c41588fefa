import CLMDB

/// Hints to the processor about memory a caller is about to read.
///
/// A fold that looks keys up in tables larger than the cache waits on memory once per look-up;
/// asking for the cache lines of the next few look-ups first (``prefetch(_:)``) lets those
/// waits overlap. Hints change no result: a wrong address costs only the hint.
public enum MemoryHint {
    /// Asks the processor to start loading the cache line holding `address` for reading.
    /// Never faults, whatever the address; `nil` is ignored.
    ///
    /// Cost: a function call and one instruction.
    public static func prefetch(_ address: UnsafeRawPointer?) {
        guard let address else { return }
        clmdb_prefetch(address)
    }
}
