import Synchronization

/// How far an engine's catch-up projections have folded together, published by the engine
/// after every catch-up step, and the streams that follow it (see
/// ``ProjectionEngine/catchUpPosition`` and ``ProjectionEngine/catchUpProgress()``).
///
/// The position is an atomic, so reading it never waits for a fold. Each follower is an
/// `AsyncStream` that keeps only the newest position it has not yet delivered.
final class CatchUpProgress: Sendable {
    private struct Followers {
        var nextID = 0
        var continuations: [Int: AsyncStream<UInt64>.Continuation] = [:]
    }

    private let current = Atomic<UInt64>(0)
    private let followers = Mutex(Followers())

    /// The last position published.
    var position: UInt64 { current.load(ordering: .acquiring) }

    /// Publishes `position` (which may be lower than the last, when a projection starts from
    /// position 1) to the readers of ``position`` and to every follower.
    ///
    /// Callers publish under the engine's lock, so followers see the positions in order.
    func publish(_ position: UInt64) {
        followers.withLock { followers in
            current.store(position, ordering: .releasing)
            for continuation in followers.continuations.values { continuation.yield(position) }
        }
    }

    /// A stream of the published positions, starting with the current one.
    func follow() -> AsyncStream<UInt64> {
        let (stream, continuation) = AsyncStream.makeStream(of: UInt64.self, bufferingPolicy: .bufferingNewest(1))
        let id = followers.withLock { followers in
            defer { followers.nextID += 1 }
            followers.continuations[followers.nextID] = continuation
            continuation.yield(current.load(ordering: .relaxed))
            return followers.nextID
        }
        continuation.onTermination = { [weak self] _ in
            self?.followers.withLock { _ = $0.continuations.removeValue(forKey: id) }
        }
        return stream
    }

    deinit {
        // `finish()` runs `onTermination`, which takes the lock: finish outside it.
        let all = followers.withLock { followers in
            defer { followers.continuations.removeAll() }
            return Array(followers.continuations.values)
        }
        for continuation in all { continuation.finish() }
    }
}
