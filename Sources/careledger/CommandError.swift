import ArgumentParser
import CareLedger

/// Failures the commands report themselves, each naming what and where.
enum CommandError: Error, CustomStringConvertible {
    /// No store at the path.
    case noStore(String)
    /// The store does not verify: the first bad position and what is wrong.
    case damaged(String)
    /// An input file that does not exist.
    case noFile(String)
    /// An import refused: nothing was imported.
    case importRefused(file: String, ImportError)
    /// The demo's store already holds something.
    case demoStoreInUse(String)

    var description: String {
        switch self {
        case .noStore(let path): "no CareLedger store at \(path) (a directory with data.mdb); commands that write create one"
        case .damaged(let problem): "the store does not verify: \(problem)"
        case .noFile(let path): "no such file: \(path)"
        case .importRefused(let file, let error):
            "\(file):\(error.line): \(error.eventID.map { "event \"\($0)\": " } ?? "")\(error.problem) [\(error.identifier)]; nothing was imported"
        case .demoStoreInUse(let path): "\(path) is not empty: remove it or pass another --store"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Small file-system queries, without Foundation.
enum FileSystem {
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    static func isEmptyDirectory(_ path: String) -> Bool {
        guard let stream = opendir(path) else { return false }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { return false }
        }
        return true
    }

    /// Creates an empty file with a unique name in the temporary directory and returns its path.
    static func temporaryFile(prefix: String, suffix: String) throws -> String {
        let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(directory)/\(prefix)-XXXXXX\(suffix)".utf8CString)
        let descriptor = mkstemps(&template, Int32(suffix.utf8.count))
        guard descriptor >= 0 else { throw CommandError.noFile(directory) }
        close(descriptor)
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
