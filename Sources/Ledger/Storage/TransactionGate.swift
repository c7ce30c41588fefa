#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps the memory map stable while transactions are open.
///
/// LMDB may only change the size of its map when no transaction of this process is open: with
/// a read transaction open, `mdb_env_set_mapsize` "succeeds" and unmaps pages that reader
/// still points to. Every transaction therefore holds the gate *shared*, and growing the map
/// takes it *exclusively*, waiting until every open transaction has ended.
///
/// The gate prefers readers: a thread that already holds a read transaction can open another
/// without deadlocking against a waiting resize. Resizes are rare (the map doubles), so they
/// do not starve in practice.
final class TransactionGate: @unchecked Sendable {
    // @unchecked: all state is guarded by `mutex`, allocated once and freed in deinit.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let changed: UnsafeMutablePointer<pthread_cond_t>
    private var shared = 0
    private var exclusive = false

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        changed = .allocate(capacity: 1)
        changed.initialize(to: pthread_cond_t())
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    /// Waits until no resize is under way, then counts one more open transaction.
    func enterShared() {
        pthread_mutex_lock(mutex)
        while exclusive { pthread_cond_wait(changed, mutex) }
        shared += 1
        pthread_mutex_unlock(mutex)
    }

    /// Counts one transaction fewer.
    func leaveShared() {
        pthread_mutex_lock(mutex)
        shared -= 1
        if shared == 0 { pthread_cond_broadcast(changed) }
        pthread_mutex_unlock(mutex)
    }

    /// Runs `body` while no transaction of this process is open.
    ///
    /// The caller must not itself hold the gate shared.
    func withExclusiveAccess<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        while exclusive || shared > 0 { pthread_cond_wait(changed, mutex) }
        exclusive = true
        pthread_mutex_unlock(mutex)
        defer {
            pthread_mutex_lock(mutex)
            exclusive = false
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
        }
        return try body()
    }
}
