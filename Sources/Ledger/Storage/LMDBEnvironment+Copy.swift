internal import CLMDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LMDBEnvironment {
    /// The name a copy is written under until it is complete and on disk.
    static let partialCopyName = "data.mdb.partial"

    /// Writes a copy of the store, as of one read snapshot, into the directory `destination`
    /// (created with mode 0700 when missing), and returns the size of the copy's data file.
    ///
    /// The copy is written to `data.mdb.partial` (mode 0600), flushed, and only then renamed to
    /// `data.mdb` and the directory flushed: a copy interrupted at any instant leaves no
    /// `data.mdb`, so nothing can open half a copy as a store (and opening refuses a directory
    /// that holds other files and no `data.mdb`). With `compacting`, LMDB leaves free pages out
    /// and writes each database's pages in key order, so a later scan of the log reads the file
    /// front to back.
    ///
    /// The copy holds the gate shared throughout, so a map resize in this process waits for it.
    ///
    /// - Throws: `.fileExists` when `destination` holds anything but a partial copy;
    ///   `.notADirectory`; any file or engine error, naming the operation.
    func copy(toDirectory destination: String, compacting: Bool) throws(StorageError) -> Int {
        try Self.prepareCopyDestination(destination)
        let partial = destination + "/" + Self.partialCopyName
        let descriptor = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StorageError(.init(rawValue: errno), operation: "create \(partial)") }
        var size = 0
        do throws(StorageError) {
            defer { close(descriptor) }
            try copy(toDescriptor: descriptor, compacting: compacting, naming: partial)
            guard fsync(descriptor) == 0 else { throw StorageError(.init(rawValue: errno), operation: "flush \(partial)") }
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { throw StorageError(.init(rawValue: errno), operation: "stat \(partial)") }
            size = Int(info.st_size)
        } catch {
            unlink(partial)
            throw error
        }
        guard rename(partial, destination + "/data.mdb") == 0 else {
            let code = errno
            unlink(partial)
            throw StorageError(.init(rawValue: code), operation: "rename \(partial) to data.mdb")
        }
        try StoreDirectory.flush(destination)
        return size
    }

    /// Runs LMDB's copy into `descriptor`, adopting a map grown by another process and
    /// starting again (the copy begins its own read snapshot and fails before writing when the
    /// map has grown).
    private func copy(toDescriptor descriptor: Int32, compacting: Bool, naming partial: String) throws(StorageError) {
        let flags = compacting ? UInt32(MDB_CP_COMPACT) : 0
        while true {
            gate.enterShared()
            let rc = mdb_env_copyfd2(handle, descriptor, flags)
            gate.leaveShared()
            if rc == 0 { return }
            guard rc == MDB_MAP_RESIZED else { throw StorageError(.init(rawValue: rc), operation: "copy store \(path) to \(partial)") }
            try adoptGrownMap()
            guard ftruncate(descriptor, 0) == 0, lseek(descriptor, 0, SEEK_SET) == 0 else {
                throw StorageError(.init(rawValue: errno), operation: "rewind \(partial)")
            }
        }
    }

    /// Creates `destination` when missing; refuses one that is not a directory or holds
    /// anything but a partial copy left by an interrupted copy.
    private static func prepareCopyDestination(_ destination: String) throws(StorageError) {
        guard try !StoreDirectory.createIfMissing(destination, operation: "copy store to \(destination)") else { return }
        if let name = try StoreDirectory.firstEntry(in: destination, except: [partialCopyName]) {
            throw StorageError(.fileExists, operation: "copy store into \(destination), which must be empty or missing but holds \(name),")
        }
    }
}
