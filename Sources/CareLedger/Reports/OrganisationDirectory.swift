import Projections

/// The organisations a report has seen, numbered densely, with what the reports need of each:
/// kind, country, whether it was engaged as a company, and how many problems it reported.
///
/// The facts of an organisation are packed in the value its ``EntityInterner`` cell keeps, so
/// a fold that looks an organisation up finds them in the same cache line: problems reported in
/// bits 0–31, kind code + 1 in bits 32–39, country code + 1 in bits 40–47 (0: not known yet),
/// engaged in bit 48.
///
/// An organisation gets a number the first time any event names it (it may be named, e.g. as
/// a course's company, before its `OrganisationJoined` is folded, as of a time); its kind and
/// country are ``unknown`` until it joins.
struct OrganisationDirectory: Sendable, Hashable {
    /// The code of a kind or country not known (yet).
    static let unknown: UInt8 = 0xFF
    private static let engagedBit: UInt64 = 1 << 48
    private static let problemBits: UInt64 = 0xFFFF_FFFF
    private static let kindAndCountryBits: UInt64 = 0xFFFF << 32

    private(set) var ids = EntityInterner()

    /// The number of organisations seen.
    var count: Int { ids.count }

    /// The number of the organisation `id`, adding it when new.
    @inline(__always)
    mutating func index(of id: UnsafeRawBufferPointer) -> Int {
        ids.intern(id)
    }

    /// Folds an `OrganisationJoined` payload: `org`, `kind`, `country`, `name`.
    @inline(__always)
    mutating func foldJoined(_ payload: inout PayloadReader) throws(PayloadReader.Truncated) {
        let slot = ids.slot(of: try payload.readIdentifier())
        let kind = UInt64(try payload.readCode()) &+ 1
        let country = UInt64(try payload.readCode()) &+ 1
        ids[valueAt: slot] = ids[valueAt: slot] & ~Self.kindAndCountryBits | kind << 32 | country << 40
    }

    /// Marks `id` as engaged.
    /// Hints the look-up of organisation `id` (see ``EntityTable/prefetch(_:)``).
    @inline(__always)
    func prefetch(_ id: UnsafeRawBufferPointer) { ids.prefetch(id) }

    @inline(__always)
    mutating func engage(_ id: UnsafeRawBufferPointer) {
        let slot = ids.slot(of: id)
        ids[valueAt: slot] |= Self.engagedBit
    }

    /// Counts a problem reported by `id`.
    @inline(__always)
    mutating func countProblem(reportedBy id: UnsafeRawBufferPointer) {
        let slot = ids.slot(of: id)
        let row = ids[valueAt: slot]
        ids[valueAt: slot] = row & ~Self.problemBits | (row &+ 1) & Self.problemBits
    }

    /// Each organisation's packed facts, by number (read them with ``kind(_:)``,
    /// ``country(_:)``, ``isEngaged(_:)``, ``problemsReported(_:)``). O(organisations).
    func rows() -> [UInt64] { ids.values() }

    /// The ``OrganisationKind`` code of the organisation of `row`, or ``unknown``.
    static func kind(_ row: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: row >> 32) &- 1 }
    /// The ``Country`` code of the organisation of `row`, or ``unknown``.
    static func country(_ row: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: row >> 40) &- 1 }
    /// Whether the organisation of `row` was named as a company of a solution, partnership or course.
    static func isEngaged(_ row: UInt64) -> Bool { row & engagedBit != 0 }
    /// The ProblemReported events naming the organisation of `row`.
    static func problemsReported(_ row: UInt64) -> Int { Int(row & problemBits) }

    /// Writes the directory as flat blocks.
    func encode(to writer: inout ByteWriter) {
        ids.encode(to: &writer)
    }

    /// Reads what ``encode(to:)`` wrote.
    static func decode(from reader: inout ByteReader) throws -> OrganisationDirectory {
        var directory = OrganisationDirectory()
        directory.ids = try EntityInterner.decode(from: &reader)
        return directory
    }
}
