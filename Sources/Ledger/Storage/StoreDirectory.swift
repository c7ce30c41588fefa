#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file-system checks on a store directory, shared by opening a store and writing a copy
/// of one: each decides what may already be in the directory, these say what is there.
enum StoreDirectory {
    /// Creates `directory` with mode 0700 when nothing is at the path, and returns whether it
    /// was missing (then it is empty, or was made by someone else at the same instant).
    ///
    /// - Throws: `.notADirectory` (naming `operation`) when the path is something else; the
    ///   failure of `stat` or `mkdir`, naming the path.
    static func createIfMissing(_ directory: String, operation: @autoclosure () -> String) throws(StorageError) -> Bool {
        var info = stat()
        if stat(directory, &info) != 0 {
            guard errno == ENOENT else { throw StorageError(.init(rawValue: errno), operation: "stat \(directory)") }
            guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
                throw StorageError(.init(rawValue: errno), operation: "create directory \(directory)")
            }
            return true
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw StorageError(.notADirectory, operation: operation()) }
        return false
    }

    /// The name of the first entry of `directory` other than `.`, `..` and `allowed`, or `nil`
    /// when there is none.
    ///
    /// - Throws: the failure of opening the directory, naming it.
    static func firstEntry(in directory: String, except allowed: Set<String>) throws(StorageError) -> String? {
        guard let stream = opendir(directory) else {
            throw StorageError(.init(rawValue: errno), operation: "read directory \(directory)")
        }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." && !allowed.contains(name) { return name }
        }
        return nil
    }

    /// Flushes the entries of `directory` (a file just renamed into it) to disk.
    static func flush(_ directory: String) throws(StorageError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StorageError(.init(rawValue: errno), operation: "open directory \(directory)") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw StorageError(.init(rawValue: errno), operation: "flush directory \(directory)") }
    }
}
