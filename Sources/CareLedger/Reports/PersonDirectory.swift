import Projections

/// The persons a report has seen, numbered densely, with their role, their organisation (a
/// number of an ``OrganisationDirectory``) and whether they took part in any course.
///
/// A person gets a number the first time an event names them; role and organisation are
/// unknown until their `PersonRegistered` is folded. Keeping "took part" and "role" apart
/// makes the distinct count of trained staff independent of the order the two facts arrive in.
struct PersonDirectory: Sendable, Hashable {
    /// The column value of a role not known (yet).
    static let unknownRole: UInt8 = 0xFF
    /// The ``PersonRole`` code of staff.
    static let staff = UInt8(PersonRole.allCases.firstIndex(of: .staff)!)

    private(set) var ids = EntityInterner()
    /// ``PersonRole`` code per person.
    private(set) var role: [UInt8] = []
    /// The organisation's number per person, -1 when unknown.
    private(set) var organisation: [Int32] = []
    /// 1 when the person is among the participants of a folded course.
    private(set) var trained: [UInt8] = []

    /// The number of persons seen.
    var count: Int { ids.count }

    @inline(__always)
    private mutating func index(of id: UnsafeRawBufferPointer) -> Int {
        let index = ids.intern(id)
        if index == role.count {
            role.append(Self.unknownRole)
            organisation.append(-1)
            trained.append(0)
        }
        return index
    }

    /// Folds a `PersonRegistered` payload: `person`, `org`, `role`.
    @inline(__always)
    mutating func foldRegistered(_ payload: inout PayloadReader, organisations: inout OrganisationDirectory) throws(PayloadReader.Truncated) {
        let index = index(of: try payload.readIdentifier())
        organisation[index] = Int32(truncatingIfNeeded: organisations.index(of: try payload.readIdentifier()))
        role[index] = try payload.readCode()
    }

    /// Folds the `participants` list of a `CourseCompleted`, positioned at its count.
    @inline(__always)
    mutating func foldParticipants(_ payload: inout PayloadReader) throws(PayloadReader.Truncated) {
        for _ in 0 ..< (try payload.readCount()) {
            trained[index(of: try payload.readIdentifier())] = 1
        }
    }

    /// Whether the person numbered `index` is registered as staff and took part in a course.
    @inline(__always)
    func isTrainedStaff(_ index: Int) -> Bool {
        trained[index] != 0 && role[index] == Self.staff
    }

    /// Writes the directory as flat blocks.
    func encode(to writer: inout ByteWriter) {
        ids.encode(to: &writer)
        writer.writeFlat(role)
        writer.writeFlat(organisation)
        writer.writeFlat(trained)
    }

    /// Reads what ``encode(to:)`` wrote.
    static func decode(from reader: inout ByteReader) throws -> PersonDirectory {
        var directory = PersonDirectory()
        directory.ids = try EntityInterner.decode(from: &reader)
        let count = directory.ids.count
        directory.role = try reader.readFlat(count: count)
        directory.organisation = try reader.readFlat(count: count)
        directory.trained = try reader.readFlat(count: count)
        return directory
    }
}
