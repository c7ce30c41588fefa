#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing to the process's standard output and error without Foundation, unbuffered beyond
/// one call (each call is one `write(2)` loop), so progress on stderr and results on stdout
/// interleave correctly.
enum StandardStreams {
    /// Writes `text` to standard output.
    static func out(_ text: String) { write(text, to: 1) }

    /// Writes `text` to standard error.
    static func error(_ text: String) { write(text, to: 2) }

    /// Writes raw bytes to standard output.
    static func out(bytes: [UInt8]) { write(bytes, to: 1) }

    /// Whether standard error is a terminal (progress bars are shown only then).
    static var errorIsTerminal: Bool { isatty(2) == 1 }

    /// Whether standard output is a terminal.
    static var outputIsTerminal: Bool { isatty(1) == 1 }

    /// The terminal's width in columns, or 80.
    static var terminalWidth: Int {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    private static func write(_ text: String, to descriptor: Int32) {
        write(Array(text.utf8), to: descriptor)
    }

    private static func write(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return // a closed pipe: nothing more can be shown
                }
                offset += written
            }
        }
    }
}
