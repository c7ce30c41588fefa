import ArgumentParser

/// Failures the commands report themselves, each naming what and where.
enum CommandError: Error, CustomStringConvertible {
    /// No store at the path.
    case noStore(String)
    /// The store does not verify: the first bad position and what is wrong.
    case damaged(String)

    var description: String {
        switch self {
        case .noStore(let path): "no CareLedger store at \(path) (a directory with data.mdb); commands that write create one"
        case .damaged(let problem): "the store does not verify: \(problem)"
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

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
