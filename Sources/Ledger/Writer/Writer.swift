import Dispatch
import Foundation
import Logging
import Synchronization

/// The ledger's single writer: one OS thread that begins, fills and commits the write
/// transactions, coalescing the appends queued while the previous commit was syncing into one
/// transaction and one sync (group commit).
///
/// LMDB requires a write transaction to end on the thread that began it, and one writer at a
/// time; both hold by construction here: one thread at a time holds the write side, and it
/// begins and commits each transaction with no suspension in between. Appending tasks check
/// and size their events, queue them and suspend; the writer encodes and writes them and
/// resumes each task with its own result, including its own concurrency error.
///
/// Each transaction reads the end of the chain (head and head hash) from the store itself, so
/// appends by another process sharing the store (serialised by LMDB's writer lock) are
/// continued, not overwritten.
///
/// Under deferred durability, an append that finds the writer idle is written on its own
/// thread instead (see ``submit(_:)``), which saves the two thread hand-offs a commit
/// otherwise costs.
///
/// `@unchecked Sendable`: the scratch buffer is touched only by the thread holding the write
/// side (`Queue.writing`, set and cleared under the queue's lock); the queue and hooks are
/// guarded by `Mutex`es.
final class Writer: @unchecked Sendable {
    private enum Job {
        case append(EncodedAppend, CheckedContinuation<[AppendResult], any Error>)
        case task(@Sendable (WriteScope) throws -> Void, CheckedContinuation<Void, any Error>)

        var eventCount: Int {
            if case .append(let append, _) = self { return append.eventCount }
            return 0
        }
    }

    private struct Queue {
        var jobs: [Job] = []
        var closed = false
        /// Whether a thread holds the write side: the writer thread with a batch, or an
        /// appending task writing inline.
        var writing = false
    }

    /// At most this many events go into one group commit; a single larger append is never split.
    static let eventsPerCommit = 65_536

    let environment: LMDBEnvironment
    let layout: StoreLayout
    private let signal: CommitSignal
    let logger: Logger
    private let queue = Mutex(Queue())
    private let hooks = Mutex<[any AppendHook]>([])
    private let wakeup = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Whether commits are synced (``Durability/full``): new ids then go into the small id
    /// tier (see ``AppendCursors``).
    let durable: Bool

    init(environment: LMDBEnvironment, layout: StoreLayout, durable: Bool, signal: CommitSignal, logger: Logger) {
        self.environment = environment
        self.layout = layout
        self.durable = durable
        self.signal = signal
        self.logger = logger
        // The thread holds no reference to the writer: the ledger's deinit waits for the thread
        // in `close()`, so the writer outlives it, and the last release of the writer (and of
        // the store it keeps open) then happens in the ledger's deinit, not later on this thread.
        let writer = Unmanaged.passUnretained(self)
        let finished = self.finished
        let thread = Thread {
            writer._withUnsafeGuaranteedRef { $0.run() }
            finished.signal()
        }
        thread.name = "careledger-writer"
        thread.start()
    }

    /// Queues `append` and suspends until it is committed or refused.
    ///
    /// Under deferred durability an append that finds the writer idle and nothing queued is
    /// written on the calling thread instead: a commit then costs no thread hand-off, and
    /// nothing waits on it long (there is no flush), so the task's thread is not held for I/O.
    /// Its transaction begins and commits on that thread with no suspension in between, as
    /// LMDB requires; appends arriving meanwhile queue for the writer thread.
    func submit(_ append: EncodedAppend) async throws -> [AppendResult] {
        if !durable, claimIdleWriter() {
            defer { releaseWriter() }
            return try write([append])[0].get()
        }
        return try await withCheckedThrowingContinuation { continuation in
            enqueue(.append(append, continuation)) { continuation.resume(throwing: LedgerError.closed) }
        }
    }

    /// Runs `body` on the writer thread in a transaction of its own, committed when `body`
    /// returns and aborted when it throws.
    func perform(_ body: @escaping @Sendable (WriteScope) throws -> Void) async throws {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(.task(body, continuation)) { continuation.resume(throwing: LedgerError.closed) }
        }
    }

    /// Adds a hook called inside every later append's transaction.
    func add(_ hook: any AppendHook) {
        hooks.withLock { $0.append(hook) }
    }

    private func enqueue(_ job: Job, refused: () -> Void) {
        let accepted = queue.withLock { queue in
            guard !queue.closed else { return false }
            queue.jobs.append(job)
            return true
        }
        if accepted { wakeup.signal() } else { refused() }
    }

    /// Takes the write side for the calling thread if no thread holds it and nothing is queued.
    private func claimIdleWriter() -> Bool {
        queue.withLock { queue in
            guard !queue.closed, !queue.writing, queue.jobs.isEmpty else { return false }
            queue.writing = true
            return true
        }
    }

    /// Gives the write side back, and wakes the writer thread for what queued meanwhile.
    private func releaseWriter() {
        let pending = queue.withLock { queue in
            queue.writing = false
            return !queue.jobs.isEmpty || queue.closed
        }
        if pending { wakeup.signal() }
    }

    /// Refuses new work, finishes the work already queued, and waits for the thread to end.
    func close() {
        let first = queue.withLock { queue in
            defer { queue.closed = true }
            return !queue.closed
        }
        guard first else { return }
        wakeup.signal()
        finished.wait()
        // Every write has ended: no run of the hasher is in progress.
        chainHasher?.close()
    }

    private func run() {
        while true {
            wakeup.wait()
            let (batch, closed) = queue.withLock { queue -> ([Job], Bool) in
                // An append writing inline holds the write side; it wakes this thread when done.
                if queue.writing { return ([], false) }
                // Consecutive appends share a commit; a task runs alone.
                var count = 0
                var taken = 0
                for job in queue.jobs {
                    if case .task = job {
                        if taken == 0 { taken = 1 }
                        break
                    }
                    if taken > 0 && count + job.eventCount > Self.eventsPerCommit { break }
                    count += job.eventCount
                    taken += 1
                }
                let batch = Array(queue.jobs.prefix(taken))
                queue.jobs.removeFirst(taken)
                queue.writing = !batch.isEmpty
                if !queue.jobs.isEmpty { wakeup.signal() }
                return (batch, queue.closed && queue.jobs.isEmpty)
            }
            if case .task(let body, let continuation) = batch.first {
                continuation.resume(with: Result { try runTask(body) })
            } else if !batch.isEmpty {
                commit(batch)
            }
            if !batch.isEmpty { queue.withLock { $0.writing = false } }
            if closed { break }
        }
        signal.close()
    }

    private func runTask(_ body: (WriteScope) throws -> Void) throws {
        while true {
            do {
                let transaction = try environment.beginWrite()
                try body(WriteScope(transaction: transaction.transaction, layout: layout))
                try transaction.commit()
                return
            } catch let error where Self.isMapFull(error) {
                try environment.grow()
            } catch let error as StorageError {
                throw LedgerError.storage(error)
            }
        }
    }

    /// Writes the appends of `batch` in one transaction and resumes every appender with its
    /// outcome.
    ///
    /// The appenders of a group commit are resumed by one task, not by this thread: each
    /// resumption schedules its task and may wake an idle thread of the pool, and done here
    /// those wake-ups would delay the next commit (with 64 durable appenders they took more of
    /// this thread's time than writing). A lone appender is resumed directly.
    private func commit(_ batch: [Job]) {
        let appends = batch.compactMap { job -> (EncodedAppend, CheckedContinuation<[AppendResult], any Error>)? in
            if case .append(let append, let continuation) = job { return (append, continuation) }
            return nil
        }
        let outcomes = Resumptions(continuations: appends.map(\.1), outcomes: write(appends.map(\.0)))
        if appends.count == 1 {
            outcomes.resumeAll()
        } else {
            Task { outcomes.resumeAll() }
        }
    }

    /// Appenders' continuations beside their outcomes. `@unchecked Sendable`: the outcomes'
    /// errors are not `Sendable` in type, but each is handed to exactly one continuation,
    /// once, as the continuations themselves require.
    private struct Resumptions: @unchecked Sendable {
        let continuations: [CheckedContinuation<[AppendResult], any Error>]
        let outcomes: [Result<[AppendResult], any Error>]

        func resumeAll() {
            for (continuation, outcome) in zip(continuations, outcomes) { continuation.resume(with: outcome) }
        }
    }

    /// Writes `appends` in one transaction, growing the map and retrying when it is full: one
    /// outcome per append. Called by whichever thread holds the write side.
    private func write(_ appends: [EncodedAppend]) -> [Result<[AppendResult], any Error>] {
        let hooks = self.hooks.withLock { $0 }
        var optimistic = true
        while true {
            do {
                let (outcomes, head) = try write(appends, hooks: hooks, optimistic: optimistic)
                signal.publish(head: head)
                return outcomes
            } catch is OptimisticConflict {
                optimistic = false
            } catch let error where Self.isMapFull(error) {
                do {
                    let size = try environment.grow()
                    logger.debug("grew store map", metadata: ["path": "\(environment.path)", "bytes": "\(size)"])
                } catch {
                    logger.error("store is full", metadata: ["path": "\(environment.path)", "error": "\(error)"])
                    return appends.map { _ in .failure(LedgerError.storage(error)) }
                }
            } catch {
                logger.error("write failed", metadata: ["path": "\(environment.path)", "error": "\(error)"])
                let failure = (error as? StorageError).map(LedgerError.storage) ?? error
                return appends.map { _ in .failure(failure) }
            }
        }
    }

    /// One attempt at writing `appends`: a refused append is skipped (it wrote nothing); a
    /// storage error aborts the whole transaction.
    ///
    /// Without hooks, an append is planned completely before it writes, so a refusal leaves
    /// nothing behind. With hooks, which write and may refuse after the records are written,
    /// each append runs in a nested transaction that is aborted if it is refused.
    private func write(_ appends: [EncodedAppend], hooks: [any AppendHook], optimistic: Bool) throws -> ([Result<[AppendResult], any Error>], head: UInt64) {
        let transaction = try environment.beginWrite()
        let start = try Chain.stored(in: transaction.transaction, layout: layout)
        var chain = start
        let recordedAt = Timestamp.now
        let intoRecentIDs = durable && appends.reduce(0) { $0 + $1.eventCount } < StoreLayout.recentIDsLimit
        let outcomes: [Result<[AppendResult], any Error>]
        if hooks.isEmpty {
            outcomes = try write(appends, in: transaction.transaction, intoRecentIDs: intoRecentIDs, optimistic: optimistic, chain: &chain, recordedAt: recordedAt)
        } else {
            outcomes = try write(appends, in: transaction, hooks: hooks, intoRecentIDs: intoRecentIDs, optimistic: optimistic, chain: &chain, recordedAt: recordedAt)
        }
        try AppendCursors.moveRecentIDs(in: transaction.transaction, layout: layout)
        if chain.head != start.head {
            try withBigEndianBytes(of: chain.head) { value in
                try StoreLayout.MetaKey.head.withUnsafeBytes { try transaction.put(layout.meta, $0, value) }
            }
            try chain.hash.withUnsafeBytes { value in
                try StoreLayout.MetaKey.headHash.withUnsafeBytes { try transaction.put(layout.meta, $0, value) }
            }
        }
        try transaction.commit()
        return (outcomes, chain.head)
    }

    /// Plans and writes each append in `transaction` through one set of cursors; a refused
    /// append writes nothing, as it is refused before it writes.
    private func write(
        _ appends: [EncodedAppend], in transaction: Transaction, intoRecentIDs: Bool, optimistic: Bool,
        chain: inout Chain, recordedAt: Timestamp
    ) throws -> [Result<[AppendResult], any Error>] {
        let cursors = try AppendCursors(layout: layout, transaction: transaction, intoRecentIDs: intoRecentIDs)
        var outcomes: [Result<[AppendResult], any Error>] = []
        outcomes.reserveCapacity(appends.count)
        for append in appends {
            let plan: AppendPlan
            do {
                plan = try AppendPlan(append, in: transaction, layout: layout, optimistic: optimistic)
            } catch let error as LedgerError {
                outcomes.append(.failure(error))
                continue
            }
            outcomes.append(.success(try plan.write(
                append, to: transaction, through: cursors, layout: layout, chain: &chain, recordedAt: recordedAt,
                hasher: hasher(for: append))))
        }
        return outcomes
    }

    /// Whether `error` means the map is full, raised directly or through a scope's wrapping.
    static func isMapFull(_ error: any Error) -> Bool {
        switch error {
        case let error as StorageError: error.code == .mapFull
        case LedgerError.storage(let error): error.code == .mapFull
        default: false
        }
    }

    /// Memory for the records of large appends, reused between them.
    let recordBytes = RecordBytesPool()

    /// The thread hashing large appends ahead of the writing, started by the first of them.
    /// Touched only by the thread holding the write side (and by ``close()`` after the last).
    private var chainHasher: ChainHasher?

    /// The hasher for `append`: `nil` when it is too small to gain from one.
    func hasher(for append: EncodedAppend) -> ChainHasher? {
        guard append.records != nil else { return nil }
        if let chainHasher { return chainHasher }
        let hasher = ChainHasher()
        chainHasher = hasher
        return hasher
    }

    /// Scratch space for the record a hook sees: a copy, so the hook's own writes cannot move
    /// the bytes under it. Grows to the largest record and is then reused.
    var scratch: [UInt8] = []
}
