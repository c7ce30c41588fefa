/// One line of a JSON Lines file: where it was, and the value it held.
public struct JSONLine: Sendable, Hashable {
    /// The line's number, from 1. Counts every line of the input, including ones that failed.
    public var number: Int
    /// The offset of the line's first byte from the start of the input.
    public var byteOffset: Int64
    /// The parsed value.
    public var value: JSONValue

    /// Creates a line.
    public init(number: Int, byteOffset: Int64, value: JSONValue) {
        self.number = number
        self.byteOffset = byteOffset
        self.value = value
    }
}
