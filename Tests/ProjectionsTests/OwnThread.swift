import Foundation

/// Runs `body` on a thread of its own, started now.
///
/// For test code that blocks (a semaphore wait) or spins (a pacer's wait): on Dispatch's global
/// queues such code takes one of the few threads the pool has on a small machine, and tests
/// running in parallel that need a pool thread to release it can then wait on each other for
/// ever. A thread of its own needs no pool.
func onOwnThread(_ body: @escaping @Sendable () -> Void) {
    let thread = Thread { body() }
    thread.stackSize = 1 << 20
    thread.start()
}
