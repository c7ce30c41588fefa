import Foundation
import Ledger
import Testing

/// A temporary directory for one test's stores, removed when the test's closure returns.
///
/// ```swift
/// try await TemporaryStore.with { store in
///     let ledger = try store.open()
///     …
/// }
/// ```
///
/// The store itself is `path` (a directory the ledger creates on first open); `root` is its
/// parent, where tests put copies of the store.
struct TemporaryStore: Sendable {
    /// The directory holding this test's stores; removed at the end of ``with(_:)``.
    let root: String

    /// The store directory (not created until a ledger opens it).
    var path: String { root + "/store" }

    /// A second store directory beside ``path`` (for copies of the store).
    func sibling(_ name: String) -> String { root + "/" + name }

    /// Runs `body` with a fresh temporary directory and removes the directory afterwards,
    /// whether `body` returns or throws.
    static func with<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (TemporaryStore) async throws -> T
    ) async throws -> T {
        let template = FileManager.default.temporaryDirectory.path + "/careledger-tests-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: template])
        }
        let store = TemporaryStore(root: String(cString: made))
        defer { try? FileManager.default.removeItem(atPath: store.root) }
        return try await body(store)
    }

    /// Opens the ledger at ``path`` (or `at`), with the default configuration changed by `configure`.
    func open(
        at path: String? = nil, _ configure: (inout Ledger.Configuration) -> Void = { _ in }
    ) throws -> Ledger {
        var configuration = Ledger.Configuration()
        configure(&configuration)
        return try Ledger(path: path ?? self.path, configuration: configuration)
    }

    /// Copies the store's `data.mdb` (only: not the lock file) into a new directory `name`
    /// beside it and returns that directory's path.
    func copyStore(from source: String? = nil, to name: String) throws -> String {
        let destination = sibling(name)
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: (source ?? path) + "/data.mdb", toPath: destination + "/data.mdb")
        return destination
    }
}

// MARK: - Sample events

extension NewEvent {
    /// A small event with fixed times and a payload naming it, for tests that care about
    /// positions and ids rather than content.
    static func sample(
        _ id: String, type: String = "Noted", payload: String? = nil, metadata: [String: String] = [:]
    ) -> NewEvent {
        NewEvent(
            id: id, type: type, schemaVersion: 1,
            occurredAt: Timestamp(secondsSinceEpoch: 1_700_000_000),
            metadata: metadata, payload: Array((payload ?? "{\"id\":\"\(id)\"}").utf8))
    }
}

extension AsyncSequence {
    /// Every element of a finite sequence, in order.
    func collect() async throws -> [Element] {
        var all: [Element] = []
        for try await element in self { all.append(element) }
        return all
    }
}

extension Ledger {
    /// Every event in the log, in order (reads to the head).
    func allEvents() async throws -> [RecordedEvent] {
        try await events(from: 1).collect()
    }
}
