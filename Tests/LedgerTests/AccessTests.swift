import Foundation
import Ledger
import Testing

@Suite("Access: owner-only files, foreign paths refused and left untouched, resource limits")
struct AccessTests {
    @Test("a new store's directory is 0700 and its files 0600")
    func ownerOnly() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open()
            try await ledger.append([.sample("a")], to: "s")
            #expect(try mode(store.path) == 0o700)
            #expect(try mode(store.path + "/data.mdb") == 0o600)
            #expect(try mode(store.path + "/lock.mdb") == 0o600)
        }
    }

    @Test("a directory holding another program's files and no store is refused and left untouched")
    func foreignDirectory() async throws {
        try await TemporaryStore.with { store in
            try FileManager.default.createDirectory(atPath: store.path, withIntermediateDirectories: false)
            try Data("keep me".utf8).write(to: URL(fileURLWithPath: store.path + "/notes.txt"))
            #expect {
                _ = try store.open()
            } throws: { error in
                guard case .storage(let storage) = error as? LedgerError else { return false }
                return storage.code == .invalid && String(describing: storage).contains(store.path)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: store.path) == ["notes.txt"])
        }
    }

    @Test("a data file of another format is refused and nothing is written beside it", arguments: [
        Array("SQLite format 3\0".utf8) + [UInt8](repeating: 7, count: 8192),
        [UInt8](repeating: 0, count: 16384),
        Array("short".utf8),
    ])
    func foreignDataFile(content: [UInt8]) async throws {
        try await TemporaryStore.with { store in
            try FileManager.default.createDirectory(atPath: store.path, withIntermediateDirectories: false)
            try Data(content).write(to: URL(fileURLWithPath: store.path + "/data.mdb"))
            #expect {
                _ = try store.open()
            } throws: { error in
                guard case .storage(let storage) = error as? LedgerError else { return false }
                return storage.code == .invalid
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: store.path) == ["data.mdb"])
            #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: store.path + "/data.mdb"))) == content)
        }
    }

    @Test("a read-only directory is refused with permissionDenied",
          .enabled(if: getuid() != 0, "root ignores permissions"))
    func readOnlyDirectory() async throws {
        try await TemporaryStore.with { store in
            try FileManager.default.createDirectory(atPath: store.path, withIntermediateDirectories: false)
            chmod(store.path, 0o500)
            defer { chmod(store.path, 0o700) }
            #expect {
                _ = try store.open()
            } throws: { error in
                guard case .storage(let storage) = error as? LedgerError else { return false }
                return storage.code == .permissionDenied
            }
        }
    }

    @Test("when every reader slot is taken a read fails with readersFull, and works again once one is free")
    func readersFull() async throws {
        try await TemporaryStore.with { store in
            let ledger = try store.open { $0.maximumReaders = 2 }
            try await ledger.append([.sample("a")], to: "s")
            let release = DispatchSemaphore(value: 0)
            let holding = DispatchSemaphore(value: 0)
            let group = DispatchGroup()
            for _ in 0 ..< 2 {
                group.enter()
                onOwnThread {
                    _ = try? ledger.read { _ in
                        holding.signal()
                        release.wait()
                    }
                    group.leave()
                }
            }
            holding.wait()
            holding.wait()
            #expect {
                _ = try ledger.read { scope in try scope.head }
            } throws: { error in
                guard case .storage(let storage) = error as? LedgerError else {
                    return (error as? StorageError)?.code == .readersFull
                }
                return storage.code == .readersFull
            }
            release.signal()
            release.signal()
            group.wait()
            #expect(try ledger.read { scope in try scope.head } == 1)
        }
    }

    private func mode(_ path: String) throws -> mode_t {
        var info = stat()
        guard stat(path, &info) == 0 else { throw CocoaError(.fileNoSuchFile) }
        return info.st_mode & 0o777
    }
}
