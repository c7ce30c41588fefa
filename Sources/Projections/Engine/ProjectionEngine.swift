public import Ledger
public import Logging
import Synchronization

/// Keeps projections current over a ledger, persists them with their checkpoints, rebuilds
/// them, and replays them as of any past point.
///
/// ```swift
/// let engine = try await ProjectionEngine(ledger: ledger)
/// let counts = try await engine.register(EventsPerType())          // catch-up
/// let rules = try await engine.register(OpenChallenges(), mode: .inline)
/// engine.start()                                                  // follow the log
/// let now = try engine.state(of: counts)
/// let then = try engine.state(of: counts, asOf: .position(10_000))
/// ```
///
/// - **Catch-up** projections are folded by a runner that follows the log's commits; their
///   checkpoints are persisted every ``Configuration/checkpointInterval`` events and when a
///   catch-up reaches the head.
/// - **Inline** projections are folded inside each append's transaction (through the ledger's
///   `AppendHook`), so a read after an append sees its effect; their checkpoint commits
///   with the append.
///
/// A fold reads the log once for all the projections it serves (once per thread when a large
/// fold is split across ``Configuration/threads``): each record is read in place and its
/// header parsed once per pass, and only projections that consume its type see it.
public final class ProjectionEngine: Sendable {
    /// How the engine folds and persists.
    public struct Configuration: Sendable {
        /// A snapshot of each projection's state is stored every this many events (0: none),
        /// so an as-of query by position folds at most this many events. A projection may
        /// choose its own (``Projection/snapshotInterval``).
        public var snapshotInterval: UInt64 = 100_000
        /// Catch-up projections persist their checkpoint after this many events.
        public var checkpointInterval: UInt64 = 250_000
        /// ``ProjectionEngine/catchUp()`` holds one read snapshot and the engine's lock for at
        /// most this many events at a time (as-of replays and ``ProjectionEngine/replayAll()``
        /// fold their whole range in one snapshot).
        public var chunkSize: UInt64 = 65_536
        /// Folds of many events split the projections across this many threads, each making
        /// its own pass over the log (1: one thread). Default 2.
        public var threads = 2
        /// Where the engine logs projections starting from position 1 and catch-up failures.
        public var logger = Logger(label: "careledger.projections")

        /// The default configuration.
        public init() {}
    }

    let ledger: Ledger
    let store: CheckpointStore
    let configuration: Configuration
    let catchUpSlots = Mutex<[ProjectionSlot]>([])
    let inline: InlineProjections
    let names = Mutex<Set<String>>([])
    let persisted = Mutex<[String: UInt64]>([:])
    let runner = Mutex<Task<Void, Never>?>(nil)
    let progress = CatchUpProgress()

    /// Creates an engine over `ledger`, opening its checkpoint tables.
    ///
    /// - Throws: `LedgerError` when the tables cannot be opened.
    public init(ledger: Ledger, configuration: Configuration = Configuration()) async throws {
        self.ledger = ledger
        self.configuration = configuration
        self.store = try await CheckpointStore(ledger)
        self.inline = InlineProjections(store: store)
    }

    /// Registers `projection`, restoring its persisted checkpoint, or starting it from
    /// position 1 when it has none or its ``Projection/version`` changed (a rebuild).
    ///
    /// An inline projection is brought up to the head before this returns, on the writer
    /// thread, so no append slips between its catch-up and its first inline update. A
    /// catch-up projection is brought up by ``catchUp()`` or the runner of ``start()``.
    ///
    /// - Throws: ``ProjectionError/duplicateName(_:)``; `LedgerError` from the store.
    public func register<P: Projection>(_ projection: P, mode: ProjectionStatus.Mode = .catchUp) async throws -> ProjectionHandle<P> {
        let name = projection.name
        guard names.withLock({ $0.insert(name).inserted }) else { throw ProjectionError.duplicateName(name) }
        do {
            let slot = Slot(projection)
            slot.snapshotInterval = projection.snapshotInterval ?? configuration.snapshotInterval
            return try await register(projection, slot: slot, mode: mode)
        } catch {
            names.withLock { _ = $0.remove(name) }
            throw error
        }
    }

    private func register<P: Projection>(_ projection: P, slot: Slot<P>, mode: ProjectionStatus.Mode) async throws -> ProjectionHandle<P> {
        let name = projection.name
        let restored = try ledger.read { scope in try restore(slot, in: scope) }
        if !restored {
            configuration.logger.info("projection starts from position 1", metadata: ["projection": "\(name)", "version": "\(projection.version)"])
        }
        let store = self.store
        switch mode {
        case .catchUp:
            if !restored {
                try await ledger.write { scope in try store.removeSnapshots(of: name, except: slot.version, in: scope) }
            }
            persisted.withLock { $0[name] = slot.position }
            catchUpSlots.withLock { slots in
                slots.append(slot)
                publishProgress(slots, head: 0)
            }
        case .inline:
            let inline = self.inline
            let chunk = configuration.chunkSize
            if inline.hookNeeded() { ledger.addAppendHook(inline) }
            try await ledger.write { scope in
                try store.removeSnapshots(of: name, except: restored ? slot.version : nil, in: scope)
                let head = try scope.reader.head
                while slot.position < head && slot.failure == nil {
                    try Fold.run([slot], in: scope.reader, range: FoldRange(from: slot.position + 1, through: Swift.min(head, slot.position + chunk)))
                }
                try store.saveCheckpoint(of: slot, in: scope)
                inline.add(slot)
            }
            persisted.withLock { $0[name] = slot.position }
        }
        return ProjectionHandle(projection: projection, slot: slot, mode: mode)
    }

    /// Restores `slot` from its stored checkpoint when the version matches; otherwise resets it.
    /// - Returns: whether a checkpoint was restored.
    func restore(_ slot: ProjectionSlot, in scope: ReadScope) throws -> Bool {
        guard let stored = try store.checkpoint(of: slot.name, in: scope), stored.version == slot.version else {
            slot.reset()
            return false
        }
        do {
            try slot.restore(stored.state, position: stored.position)
            return true
        } catch {
            configuration.logger.error("stored state unreadable; rebuilding", metadata: ["projection": "\(slot.name)", "error": "\(error)"])
            slot.reset()
            return false
        }
    }

    /// The current state of a registered projection: for a catch-up projection, as far as
    /// the engine has folded; for an inline one, as of the last commit.
    ///
    /// Cost, catch-up: a lock and a copy of the state value (copy-on-write: cheap until the
    /// next fold). Inline: also a read transaction, and, when an append was refused or another
    /// process appended since the last fold, restoring the stored checkpoint and folding to the
    /// head.
    ///
    /// - Throws: ``ProjectionError/failed(_:)`` when the projection stopped at an event;
    ///   ``ProjectionError/unknownProjection(_:)`` for a handle of another engine.
    public func state<P>(of handle: ProjectionHandle<P>) throws -> P.State {
        switch handle.mode {
        case .catchUp:
            return try catchUpSlots.withLock { slots in
                guard slots.contains(where: { $0 === handle.slot }) else { throw ProjectionError.unknownProjection(handle.slot.name) }
                if let failure = handle.slot.failure { throw ProjectionError.failed(failure) }
                return handle.slot.state
            }
        case .inline:
            guard inline.withSlots({ $0.contains { $0 === handle.slot } }) else { throw ProjectionError.unknownProjection(handle.slot.name) }
            return try inline.state(of: handle.slot, ledger: ledger)
        }
    }

    /// Puts a slot whose fold threw at `failure.position` back to the state before that event:
    /// a fold that changed the state and then threw must not leave that change behind, or a
    /// retry would apply the event twice. Restores the stored checkpoint and folds up to the
    /// event before the failure, then marks the slot failed again.
    func repair(_ slot: ProjectionSlot, in scope: ReadScope) throws {
        guard let failure = slot.failure else { return }
        _ = try restore(slot, in: scope)
        if slot.position >= failure.position { slot.reset() }
        if slot.position + 1 < failure.position {
            try Fold.run([slot], in: scope, range: FoldRange(from: slot.position + 1, through: failure.position - 1))
        }
        slot.failure = failure
        slot.position = failure.position - 1
    }

    /// The status of every registered projection, in registration order within each mode.
    public func status() -> [ProjectionStatus] {
        let checkpoints = persisted.withLock { $0 }
        func status(_ slot: ProjectionSlot, _ mode: ProjectionStatus.Mode) -> ProjectionStatus {
            ProjectionStatus(
                name: slot.name, version: slot.version, mode: mode, position: slot.position,
                checkpoint: mode == .inline ? slot.position : checkpoints[slot.name] ?? 0, failure: slot.failure)
        }
        let catchUp = catchUpSlots.withLock { $0.map { status($0, .catchUp) } }
        return inline.withSlots { $0.map { status($0, .inline) } } + catchUp
    }
}
