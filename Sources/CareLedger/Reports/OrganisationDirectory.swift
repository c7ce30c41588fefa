import Projections

/// The organisations a report has seen, numbered densely, with what the reports need of each
/// in flat columns: kind, country, whether it was engaged as a company, and how many problems
/// it reported.
///
/// An organisation gets a number the first time any event names it (it may be named, e.g. as
/// a course's company, before its `OrganisationJoined` is folded, as of a time); its kind and
/// country are ``unknown`` until it joins.
struct OrganisationDirectory: Sendable, Hashable {
    /// The column value of a kind or country not known (yet).
    static let unknown: UInt8 = 0xFF

    private(set) var ids = EntityInterner()
    /// ``OrganisationKind`` code per organisation.
    private(set) var kind: [UInt8] = []
    /// ``Country`` code per organisation.
    private(set) var country: [UInt8] = []
    /// 1 when the organisation was named as a company of a solution, partnership or course.
    private(set) var engaged: [UInt8] = []
    /// ProblemReported events naming the organisation.
    private(set) var problemsReported: [UInt32] = []

    /// The number of organisations seen.
    var count: Int { ids.count }

    /// The number of the organisation `id`, adding it when new.
    @inline(__always)
    mutating func index(of id: UnsafeRawBufferPointer) -> Int {
        let index = ids.intern(id)
        if index == kind.count {
            kind.append(Self.unknown)
            country.append(Self.unknown)
            engaged.append(0)
            problemsReported.append(0)
        }
        return index
    }

    /// Folds an `OrganisationJoined` payload: `org`, `kind`, `country`, `name`.
    @inline(__always)
    mutating func foldJoined(_ payload: inout PayloadReader) throws(PayloadReader.Truncated) {
        let index = index(of: try payload.readIdentifier())
        kind[index] = try payload.readCode()
        country[index] = try payload.readCode()
    }

    /// Marks `id` as engaged; returns whether it was not engaged before.
    @inline(__always) @discardableResult
    mutating func engage(_ id: UnsafeRawBufferPointer) -> Bool {
        let index = index(of: id)
        defer { engaged[index] = 1 }
        return engaged[index] == 0
    }

    /// Counts a problem reported by `id`.
    @inline(__always)
    mutating func countProblem(reportedBy id: UnsafeRawBufferPointer) {
        problemsReported[index(of: id)] &+= 1
    }

    /// Writes the directory as flat blocks.
    func encode(to writer: inout ByteWriter) {
        ids.encode(to: &writer)
        writer.writeFlat(kind)
        writer.writeFlat(country)
        writer.writeFlat(engaged)
        writer.writeFlat(problemsReported)
    }

    /// Reads what ``encode(to:)`` wrote.
    static func decode(from reader: inout ByteReader) throws -> OrganisationDirectory {
        var directory = OrganisationDirectory()
        directory.ids = try EntityInterner.decode(from: &reader)
        let count = directory.ids.count
        directory.kind = try reader.readFlat(count: count)
        directory.country = try reader.readFlat(count: count)
        directory.engaged = try reader.readFlat(count: count)
        directory.problemsReported = try reader.readFlat(count: count)
        return directory
    }
}
