import Synchronization

/// Wakes tasks waiting for the log to grow: the writer publishes each commit's head, and a
/// waiter resumes as soon as the head passes the position it waits beyond.
///
/// No polling: a waiter sleeps in a continuation until a commit, close or cancellation.
final class CommitSignal: Sendable {
    private struct Waiter {
        var position: UInt64
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var head: UInt64
        var closed = false
        var nextID = 0
        var waiters: [Int: Waiter] = [:]
        var cancelled: Set<Int> = []
    }

    private let state: Mutex<State>

    init(head: UInt64) {
        state = Mutex(State(head: head))
    }

    /// The last head published.
    var head: UInt64 { state.withLock { $0.head } }

    /// Publishes a new head and wakes every waiter it passes.
    func publish(head: UInt64) {
        let ready: [CheckedContinuation<Bool, Never>] = state.withLock { state in
            state.head = max(state.head, head)
            var ready: [CheckedContinuation<Bool, Never>] = []
            for (id, waiter) in state.waiters where waiter.position < state.head {
                ready.append(waiter.continuation)
                state.waiters[id] = nil
            }
            return ready
        }
        for continuation in ready { continuation.resume(returning: true) }
    }

    /// Ends every wait, now and later: the ledger is closing.
    func close() {
        let all: [CheckedContinuation<Bool, Never>] = state.withLock { state in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters.values.map(\.continuation)
        }
        for continuation in all { continuation.resume(returning: false) }
    }

    /// Suspends until the head is beyond `position`.
    ///
    /// - Returns: `true` when it is, `false` when the ledger closed or the task was cancelled.
    func waitForHead(beyond position: UInt64) async -> Bool {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        defer { state.withLock { _ = $0.cancelled.remove(id) } }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let immediate: Bool? = state.withLock { state in
                    if state.cancelled.remove(id) != nil || state.closed { return false }
                    if state.head > position { return true }
                    state.waiters[id] = Waiter(position: position, continuation: continuation)
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
                state.cancelled.insert(id)
                return nil
            }
            waiter?.continuation.resume(returning: false)
        }
    }
}
