extension ProjectionEngine {
    /// The position through which every catch-up projection that has not stopped at a failure
    /// has folded: the lowest of their positions, as of the engine's last catch-up step (a
    /// chunk of ``catchUp()``), registration, ``rebuild()`` or ``retry(_:)``.
    ///
    /// With the ledger's head it tells how far the catch-up projections lag behind the log
    /// (`head - catchUpPosition` events); a report read now reflects at least the events up to
    /// it. It is lowered when a projection is registered that starts from position 1 (or
    /// rebuilds). A projection that failed does not hold it back (see ``status()``). With no
    /// catch-up projection, it is the head the last catch-up reached.
    ///
    /// Inline projections are not counted: they are current with every commit.
    ///
    /// Cost: one atomic load; it never waits for a fold (``status()`` and ``state(of:)`` wait
    /// for the chunk being folded).
    public var catchUpPosition: UInt64 {
        progress.position
    }

    /// A stream of ``catchUpPosition``: its current value at once, then the new value after
    /// every catch-up step — each chunk of ``catchUp()``, so about once per commit while the
    /// runner of ``start()`` follows the log — and after registrations, rebuilds and retries.
    ///
    /// A slow consumer is not queued up: the stream keeps only the newest position it has not
    /// delivered. Values can go down (a projection registered from position 1). To wait until
    /// the catch-up projections reflect an append, read until the value reaches its position:
    ///
    /// ```swift
    /// let position = try await ledger.append(events, to: stream).positions.last!
    /// for await reached in engine.catchUpProgress() where reached >= position { break }
    /// ```
    ///
    /// The stream ends when the consuming task is cancelled or the engine is deallocated. It
    /// does not end when the runner stops: without the runner (or calls to ``catchUp()``)
    /// nothing is published and the loop above waits.
    ///
    /// Cost: a small entry per stream; each catch-up step yields to every live stream under a
    /// lock, never per event.
    public func catchUpProgress() -> AsyncStream<UInt64> {
        progress.follow()
    }

    /// Publishes the catch-up projections' lowest position (called under the engine's lock,
    /// with the slots it guards), or `head` when there are none that have not failed.
    func publishProgress(_ slots: [ProjectionSlot], head: UInt64) {
        var lowest = UInt64.max
        for slot in slots where slot.failure == nil { lowest = Swift.min(lowest, slot.position) }
        progress.publish(lowest == .max ? Swift.max(progress.position, head) : lowest)
    }
}
