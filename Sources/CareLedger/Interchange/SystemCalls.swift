#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The interchange layer's system calls, each retried on `EINTR` and turned into an
/// ``InterchangeIOError`` naming the operation and path on any other failure.
///
/// Every file operation of the module goes through here, so that no return code is ignored.
enum SystemCalls {
    /// Opens `path` with `flags` (always adding close-on-exec) and returns the descriptor.
    static func openFile(_ path: String, flags: Int32, permissions: mode_t = 0o644) throws(InterchangeIOError) -> Int32 {
        while true {
            let descriptor = path.withCString { open($0, flags | O_CLOEXEC, permissions) }
            if descriptor >= 0 { return descriptor }
            if errno != EINTR { throw InterchangeIOError(operation: "open", path: path, code: .init(rawValue: errno)) }
        }
    }

    /// Reads up to `buffer.count` bytes; returns how many, 0 at the end of the file.
    static func readSome(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String?) throws(InterchangeIOError) -> Int {
        while true {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw InterchangeIOError(operation: "read", path: path, code: .init(rawValue: errno)) }
        }
    }

    /// Writes all of `bytes`, looping over short writes.
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String?) throws(InterchangeIOError) {
        var offset = 0
        while offset < bytes.count {
            let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count >= 0 {
                offset += count
            } else if errno != EINTR {
                throw InterchangeIOError(operation: "write", path: path, code: .init(rawValue: errno))
            }
        }
    }

    /// Flushes the file's data to the storage device.
    static func synchronize(_ descriptor: Int32, path: String?) throws(InterchangeIOError) {
        while fsync(descriptor) != 0 {
            if errno != EINTR { throw InterchangeIOError(operation: "fsync", path: path, code: .init(rawValue: errno)) }
        }
    }

    /// Closes the descriptor. Not retried on `EINTR`: on Linux the descriptor is closed even then,
    /// and a retry could close a descriptor another thread has just opened.
    static func closeFile(_ descriptor: Int32, path: String?) throws(InterchangeIOError) {
        if close(descriptor) != 0, errno != EINTR {
            throw InterchangeIOError(operation: "close", path: path, code: .init(rawValue: errno))
        }
    }
}
