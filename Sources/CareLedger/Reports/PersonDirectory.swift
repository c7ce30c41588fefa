import Projections

/// The persons a report has seen, with their role, their organisation (a
/// number of an ``OrganisationDirectory``) and whether they took part in any course.
///
/// The facts of a person are packed in the value its ``EntitySet`` cell keeps, so a fold
/// that looks a person up finds them in the same cache line: organisation number + 1 (0 when
/// unknown) in bits 0–31, role code + 1 (0 when unknown) in bits 32–39, "took part" in bit 40.
///
/// A person is added the first time an event names them; role and organisation are
/// unknown until their `PersonRegistered` is folded. Keeping "took part" and "role" apart
/// makes the distinct count of trained staff independent of the order the two facts arrive in.
struct PersonDirectory: Sendable, Hashable {
    /// The ``PersonRole`` code of staff.
    static let staff = UInt8(PersonRole.allCases.firstIndex(of: .staff)!)
    private static let trainedBit: UInt64 = 1 << 40
    private static let roleBits: UInt64 = 0xFF << 32
    private static let organisationBits: UInt64 = 0xFFFF_FFFF

    private(set) var ids = EntitySet()

    /// The number of persons seen.
    var count: Int { ids.count }

    /// Folds a `PersonRegistered` payload: `person`, `org`, `role`.
    @inline(__always)
    mutating func foldRegistered(_ payload: inout PayloadReader, organisations: inout OrganisationDirectory) throws(PayloadReader.Truncated) {
        let slot = ids.slot(of: try payload.readIdentifier())
        let organisation = UInt64(truncatingIfNeeded: organisations.index(of: try payload.readIdentifier()) &+ 1)
        let role = UInt64(try payload.readCode()) &+ 1
        ids[valueAt: slot] = ids[valueAt: slot] & Self.trainedBit | role << 32 | organisation
    }

    /// Folds a `PersonRegistered` payload (`person`, `org`, `role`) for a report that needs
    /// only the role: the organisation is skipped, not looked up.
    @inline(__always)
    mutating func foldRole(_ payload: inout PayloadReader) throws(PayloadReader.Truncated) {
        let slot = ids.slot(of: try payload.readIdentifier())
        try payload.skipIdentifier()
        let role = UInt64(try payload.readCode()) &+ 1
        ids[valueAt: slot] = ids[valueAt: slot] & ~Self.roleBits | role << 32
    }

    /// Folds the `participants` list of a `CourseCompleted`, positioned at its count.
    @inline(__always)
    mutating func foldParticipants(_ payload: inout PayloadReader) throws(PayloadReader.Truncated) {
        for _ in 0 ..< (try payload.readCount()) {
            let slot = ids.slot(of: try payload.readIdentifier())
            ids[valueAt: slot] |= Self.trainedBit
        }
    }

    /// Hints the look-up of person `id` (see ``EntityTable/prefetch(_:)``).
    @inline(__always)
    func prefetch(_ id: UnsafeRawBufferPointer) { ids.prefetch(id) }

    /// Hints the look-ups of a `CourseCompleted` payload's participants: skips the course id
    /// and kind, then reads the list as ``foldParticipants(_:)`` does, leaving `payload` after it.
    @inline(__always)
    func prefetchCourseParticipants(_ payload: inout PayloadReader) throws(PayloadReader.Truncated) {
        try payload.skipIdentifier()
        _ = try payload.readCode()
        for _ in 0 ..< (try payload.readCount()) { ids.prefetch(try payload.readIdentifier()) }
    }

    /// Calls `body` with each person's packed facts, in no particular order. O(persons);
    /// allocates nothing.
    func forEachRow(_ body: (UInt64) throws -> Void) rethrows { try ids.forEachValue(body) }

    /// The number of persons whose packed facts satisfy `predicate`. O(persons).
    func count(where predicate: (UInt64) throws -> Bool) rethrows -> Int { try ids.countValues(where: predicate) }

    /// Whether the person of `row` is registered as staff and took part in a course.
    @inline(__always)
    static func isTrainedStaff(_ row: UInt64) -> Bool {
        row & (trainedBit | roleBits) == trainedBit | (UInt64(staff) + 1) << 32
    }

    /// The number of the organisation of the person of `row`, or `nil` when unknown.
    static func organisation(_ row: UInt64) -> Int? {
        let number = Int(truncatingIfNeeded: row & organisationBits)
        return number == 0 ? nil : number - 1
    }

    /// Writes the directory as flat blocks.
    func encode(to writer: inout ByteWriter) {
        ids.encode(to: &writer)
    }

    /// Reads what ``encode(to:)`` wrote.
    static func decode(from reader: inout ByteReader) throws -> PersonDirectory {
        var directory = PersonDirectory()
        directory.ids = try EntitySet.decode(from: &reader)
        return directory
    }
}
