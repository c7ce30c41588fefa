import Dispatch
@testable import Projections
import Synchronization
import Testing

/// The passes of a parallel fold are kept within `ScanPacer.window` positions of each other,
/// and never wait for a pass that has not started or has ended.
@Suite("Scan pacer: parallel fold passes stay close in the log")
struct ScanPacerTests {
    final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
        func set() { value.store(true, ordering: .sequentiallyConsistent) }
    }

    @Test("a pass ahead of the window waits for the slowest running pass, not for one unstarted or done")
    func passesWaitOnlyForRunningPasses() async throws {
        let pacer = ScanPacer(passes: 2)
        // Pass 1 has not reported yet: pass 0 runs freely.
        pacer.advance(0, to: 10_000)

        // Pass 1 starts far behind: pass 0 may not go on until pass 1 is within the window.
        pacer.advance(1, to: 1)
        let reached = Flag()
        onOwnThread {
            pacer.advance(0, to: 20_000)
            reached.set()
        }
        // However long this waits, pass 0 cannot get past while pass 1 stays at 1.
        try await Task.sleep(for: .milliseconds(50))
        #expect(!reached.isSet)

        // Pass 1 catches up to within the window: pass 0 goes on.
        pacer.advance(1, to: 20_000 - ScanPacer.window)
        for _ in 0 ..< 10_000 where !reached.isSet {
            try await Task.sleep(for: .milliseconds(1))
        }
        #expect(reached.isSet)

        // A pass that is done never holds the others back.
        pacer.finish(1)
        pacer.advance(0, to: 5_000_000)
    }
}
