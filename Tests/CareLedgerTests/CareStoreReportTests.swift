import CareLedger
import Foundation
import Ledger
import Projections
import Testing

@Suite("CareStore reports")
struct CareStoreReportTests {
    func withStoreDirectory<T>(isolation: isolated (any Actor)? = #isolation, _ body: (String) async throws -> T) async throws -> T {
        var template = Array((FileManager.default.temporaryDirectory.path + "/careledger-store-reports-XXXXXX").utf8CString)
        let root = String(cString: try #require(mkdtemp(&template)))
        defer { try? FileManager.default.removeItem(atPath: root) }
        return try await body(root + "/store")
    }

    /// A store registers the reports when it opens; they answer now and as of a point, keep
    /// their checkpoints across a reopen, and explain their figures.
    @Test func aStoreReportsNowAsOfAndAfterReopening() async throws {
        let history = Array(CareHistory(seed: 21, count: 1_500))
        let lines = history.map(\.line)
        try await withStoreDirectory { path in
            let kpi = try await firstOpening(path, history, lines)
            let reopened = try await CareStore(path: path)
            let checkpoints = reopened.engine.status().filter { ["kpi", "funnel", "geography"].contains($0.name) }
            #expect(checkpoints.count == 3)
            #expect(checkpoints.allSatisfy { $0.position == UInt64(history.count) })
            let again = try await reopened.kpi()
            #expect(again == kpi)
            await reopened.close()
        }
    }

    /// Opens a store, appends `history`, checks its reports, closes it; returns its KPI report.
    func firstOpening(_ path: String, _ history: [CareEvent], _ lines: [JSONValue]) async throws -> KPIReport {
        let store = try await CareStore(path: path)
        try await appendInOrder(history, to: store.ledger)
        let kpi = try await store.kpi()
        #expect(kpi.json.serialized() == ReportReference.kpi(lines, asOf: .now).serialized())
        let funnel = try await store.funnel(asOf: .position(700))
        #expect(funnel.json.serialized() == ReportReference.funnel(lines, asOf: .position(700)).serialized())
        let cutoff = history[900].occurredAt
        let geography = try await store.geography(asOf: .time(cutoff))
        #expect(geography.json.serialized() == ReportReference.geography(lines, asOf: .time(cutoff)).serialized())
        #expect(try store.explain(.staffTrained).count == kpi[.staffTrained]?.actual)
        await store.close()
        return kpi
    }

    /// End to end: the fixture history imported through the store's rules gives the expected
    /// report files, now and as of every recorded point.
    @Test func anImportedFixtureGivesTheExpectedReports() async throws {
        try await withStoreDirectory { path in
            let store = try await CareStore(path: path)
            _ = try await store.importEvents(fromFile: ReportFixtureTests.directory + "/history.jsonl")
            try await ReportFixtureTests.expectTheExpectedFiles(from: store.reports)
            await store.close()
        }
    }
}
