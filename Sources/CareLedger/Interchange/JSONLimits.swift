/// The sizes the JSON parser accepts.
///
/// Limits bound the memory and stack one line can take, so that a damaged or hostile import
/// file fails with a clear error instead of exhausting the process.
public struct JSONLimits: Sendable, Hashable {
    /// The default longest line: 1 MiB, the ledger's default maximum event size.
    public static let defaultMaximumLineLength = 1 << 20
    /// The default deepest nesting of arrays and objects: 32.
    public static let defaultMaximumDepth = 32
    /// The largest ``maximumDepth`` allowed: the parser recurses once per level, so this bounds
    /// its stack use (a few tens of KiB).
    public static let depthCeiling = 512

    /// Longest line, in bytes of UTF-8, not counting its `\n` or `\r\n`.
    ///
    /// Must be at least 1.
    public var maximumLineLength: Int

    /// Deepest nesting of arrays and objects: `{}` and `[]` have depth 1, `{"a":[]}` depth 2;
    /// scalars have depth 0.
    ///
    /// Must be in `1 ... depthCeiling`.
    public var maximumDepth: Int

    /// Creates limits; the defaults suit event files.
    ///
    /// - Precondition: `maximumLineLength >= 1` and `1 ... depthCeiling` contains
    ///   `maximumDepth` (checked again where the limits are used, since both are variables).
    public init(
        maximumLineLength: Int = JSONLimits.defaultMaximumLineLength,
        maximumDepth: Int = JSONLimits.defaultMaximumDepth
    ) {
        self.maximumLineLength = maximumLineLength
        self.maximumDepth = maximumDepth
        checkPreconditions()
    }

    /// Traps when a limit is out of range: a programmer error, not bad input.
    func checkPreconditions() {
        precondition(maximumLineLength >= 1, "JSONLimits.maximumLineLength must be at least 1")
        precondition(
            (1 ... JSONLimits.depthCeiling).contains(maximumDepth),
            "JSONLimits.maximumDepth must be in 1...\(JSONLimits.depthCeiling)"
        )
    }
}
