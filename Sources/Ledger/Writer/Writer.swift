import Dispatch
import Foundation
import Logging
import Synchronization

/// The ledger's single writer: one OS thread that begins, fills and commits every write
/// transaction, coalescing the appends queued while the previous commit was syncing into one
/// transaction and one sync (group commit).
///
/// LMDB requires a write transaction to end on the thread that began it, and one writer at a
/// time; both hold by construction here. Appending tasks encode their events, queue them and
/// suspend; the writer resumes each with its own result, including its own concurrency error.
///
/// `@unchecked Sendable`: the mutable chain state (``head``, ``headHash``) is touched only by
/// the writer thread; the queue is guarded by a `Mutex`.
final class Writer: @unchecked Sendable {
    private struct Pending {
        let append: EncodedAppend
        let continuation: CheckedContinuation<[AppendResult], any Error>
    }

    private struct Queue {
        var pending: [Pending] = []
        var closed = false
    }

    /// At most this many events go into one group commit; a single larger append is never split.
    static let eventsPerCommit = 65_536

    private let environment: LMDBEnvironment
    private let layout: StoreLayout
    private let signal: CommitSignal
    private let logger: Logger
    private let queue = Mutex(Queue())
    private let wakeup = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    // Writer-thread state: the committed end of the chain.
    private var head: UInt64
    private var headHash: RecordHash

    init(environment: LMDBEnvironment, layout: StoreLayout, signal: CommitSignal, head: UInt64, headHash: RecordHash, logger: Logger) {
        self.environment = environment
        self.layout = layout
        self.signal = signal
        self.head = head
        self.headHash = headHash
        self.logger = logger
        let thread = Thread { [self] in run() }
        thread.name = "careledger-writer"
        thread.start()
    }

    /// Queues `append` and suspends until it is committed or refused.
    func submit(_ append: EncodedAppend) async throws -> [AppendResult] {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = queue.withLock { queue in
                guard !queue.closed else { return false }
                queue.pending.append(Pending(append: append, continuation: continuation))
                return true
            }
            if accepted { wakeup.signal() } else { continuation.resume(throwing: LedgerError.closed) }
        }
    }

    /// Refuses new appends, commits those already queued, and waits for the thread to end.
    func close() {
        let first = queue.withLock { queue in
            defer { queue.closed = true }
            return !queue.closed
        }
        guard first else { return }
        wakeup.signal()
        finished.wait()
    }

    private func run() {
        while true {
            wakeup.wait()
            let (batch, closed) = queue.withLock { queue -> ([Pending], Bool) in
                var count = 0
                var taken = 0
                for pending in queue.pending {
                    if taken > 0 && count + pending.append.eventCount > Self.eventsPerCommit { break }
                    count += pending.append.eventCount
                    taken += 1
                }
                let batch = Array(queue.pending.prefix(taken))
                queue.pending.removeFirst(taken)
                if !queue.pending.isEmpty { wakeup.signal() }
                return (batch, queue.closed && queue.pending.isEmpty)
            }
            if !batch.isEmpty { commit(batch) }
            if closed { break }
        }
        signal.close()
        finished.signal()
    }

    /// Writes `batch` in one transaction, growing the map and retrying when it is full, and
    /// resumes every appender with its outcome.
    private func commit(_ batch: [Pending]) {
        while true {
            do {
                let outcomes = try write(batch)
                signal.publish(head: head)
                for (pending, outcome) in zip(batch, outcomes) { pending.continuation.resume(with: outcome) }
                return
            } catch let error as StorageError where error.code == .mapFull {
                do {
                    let size = try environment.grow()
                    logger.debug("grew store map", metadata: ["path": "\(environment.path)", "bytes": "\(size)"])
                } catch {
                    logger.error("store is full", metadata: ["path": "\(environment.path)", "error": "\(error)"])
                    for pending in batch { pending.continuation.resume(throwing: LedgerError.storage(error)) }
                    return
                }
            } catch {
                logger.error("write failed", metadata: ["path": "\(environment.path)", "error": "\(error)"])
                let failure = (error as? StorageError).map(LedgerError.storage) ?? error
                for pending in batch { pending.continuation.resume(throwing: failure) }
                return
            }
        }
    }

    /// One attempt at writing `batch`: a refused append is skipped (it wrote nothing); a
    /// storage error aborts the whole transaction.
    private func write(_ batch: [Pending]) throws -> [Result<[AppendResult], any Error>] {
        let transaction = try environment.beginWrite()
        var chain = Chain(head: head, hash: headHash)
        let recordedAt = Timestamp.now
        var outcomes: [Result<[AppendResult], any Error>] = []
        outcomes.reserveCapacity(batch.count)
        for pending in batch {
            let plan: AppendPlan
            do {
                plan = try AppendPlan(pending.append, in: transaction.transaction, layout: layout)
            } catch let error as LedgerError {
                outcomes.append(.failure(error))
                continue
            }
            outcomes.append(.success(try plan.write(pending.append, to: transaction, layout: layout, chain: &chain, recordedAt: recordedAt)))
        }
        if chain.head != head {
            try withBigEndianBytes(of: chain.head) { value in
                try StoreLayout.MetaKey.head.withUnsafeBytes { try transaction.put(layout.meta, $0, value) }
            }
            try chain.hash.withUnsafeBytes { value in
                try StoreLayout.MetaKey.headHash.withUnsafeBytes { try transaction.put(layout.meta, $0, value) }
            }
        }
        try transaction.commit()
        head = chain.head
        headHash = chain.hash
        return outcomes
    }
}

/// The end of the hash chain as a transaction extends it.
struct Chain {
    var head: UInt64
    var hash: RecordHash
}
