import CareLedger
import Ledger
import Projections
import Testing

@Suite("Reports against the reference implementation")
struct ReportTests {
    /// Property: on random generated histories of several sizes, every report, now and as of
    /// positions and times, equals the reference computed over the JSON lines.
    @Test(arguments: [(seed: UInt64(1), count: 300), (2, 1_500), (3, 4_000), (99, 2_500)])
    func reportsEqualTheReference(seed: UInt64, count: Int) async throws {
        let history = Array(CareHistory(seed: seed, count: count))
        let lines = history.map(\.line)
        var random = SplitMix64(seed: seed &* 31)
        try await withReports(of: history) { reports in
            for point in interestingPoints(of: history, using: &random) {
                let kpi = try await reports.kpi(asOf: point).json
                let funnel = try await reports.funnel(asOf: point).json
                let geography = try await reports.geography(asOf: point).json
                #expect(kpi.serialized() == ReportReference.kpi(lines, asOf: point).serialized(), "kpi as of \(point)")
                #expect(funnel.serialized() == ReportReference.funnel(lines, asOf: point).serialized(), "funnel as of \(point)")
                #expect(geography.serialized() == ReportReference.geography(lines, asOf: point).serialized(), "geography as of \(point)")
            }
        }
    }

    /// Live reports follow appends: after each slice of a history the `now` report equals the
    /// reference over the events appended so far.
    @Test func liveReportsFollowAppends() async throws {
        let history = Array(CareHistory(seed: 5, count: 1_200))
        try await withTemporaryLedger { ledger in
            let engine = try await ProjectionEngine(ledger: ledger)
            let reports = try await CareReports(ledger: ledger, engine: engine)
            for end in stride(from: 300, through: history.count, by: 300) {
                try await appendInOrder(history[end - 300 ..< end], to: ledger)
                let lines = history[..<end].map(\.line)
                let kpi = try await reports.kpi().json
                let funnel = try await reports.funnel().json
                let geography = try await reports.geography().json
                #expect(kpi.serialized() == ReportReference.kpi(lines, asOf: .now).serialized())
                #expect(funnel.serialized() == ReportReference.funnel(lines, asOf: .now).serialized())
                #expect(geography.serialized() == ReportReference.geography(lines, asOf: .now).serialized())
            }
        }
    }

    /// Explain: the number of contributing events equals each figure, as of several points,
    /// and every contribution is a folded event of a relevant type.
    @Test(arguments: [UInt64(11), 12])
    func explanationsAddUpToTheFigures(seed: UInt64) async throws {
        let history = Array(CareHistory(seed: seed, count: 2_000))
        var random = SplitMix64(seed: seed)
        try await withReports(of: history) { reports in
            for point in interestingPoints(of: history, using: &random) {
                let report = try await reports.kpi(asOf: point)
                for figure in report.indicators {
                    let contributions = try reports.explain(figure.indicator, asOf: point)
                    #expect(contributions.count == figure.actual, "\(figure.indicator) as of \(point)")
                    #expect(contributions.map(\.position) == contributions.map(\.position).sorted())
                    for contribution in contributions {
                        let event = history[Int(contribution.position) - 1]
                        #expect(event.id == contribution.eventID)
                        #expect(point.includes(position: contribution.position, occurredAt: event.occurredAt))
                    }
                }
            }
        }
    }

    /// Explaining counts lists exactly the counted events; distinct counts list each entity's
    /// first event — checked on a hand-written history.
    @Test func explanationOfAHandWrittenHistory() async throws {
        let history = try HandWrittenHistory.events()
        try await withReports(of: history) { reports in
            #expect(try reports.explain(.staffTrained).map(\.eventID) == ["e6"])
            #expect(try reports.explain(.companiesEngaged).map(\.eventID) == ["e6", "e8"])
            #expect(try reports.explain(.companyCourses).map(\.eventID) == ["e6", "e9"])
            #expect(try reports.explain(.ideaDevelopmentCompleted).map(\.eventID) == ["e10"])
            #expect(try reports.explain(.staffTrained, asOf: .position(5)).isEmpty)
            let kpi = try await reports.kpi()
            #expect(kpi[.staffTrained]?.actual == 1)
            #expect(kpi[.companiesEngaged]?.actual == 2)
            #expect(kpi[.companyCourses]?.actual == 2)
            #expect(kpi[.companyCourses]?.status == .below)
            #expect(kpi[.challengesReported]?.target == nil)
            #expect(kpi[.challengesReported]?.status == nil)
        }
    }

    /// The median, found by selection, is the middle of the sorted values, or the mean of the
    /// two middle ones: for every length up to 150, with many ties and with few, in random,
    /// sorted and reversed order.
    @Test func medianIsTheMiddleOfTheSortedValues() {
        var random = SplitMix64(seed: 7)
        for count in 0 ..< 150 {
            for spread: UInt64 in [3, 1_000_000] {
                let values = (0 ..< count).map { _ in Double(random.next() % spread) / 4 }
                let sorted = values.sorted()
                let expected: Double? = count == 0 ? nil
                    : count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2
                for order in [values, sorted, sorted.reversed()] {
                    #expect(FunnelReport.median(order) == expected, "\(order)")
                }
            }
        }
    }

    /// The funnel of the hand-written history: skipped stages count as passed, conversion is
    /// reached ÷ reached before, medians are fractional days with the mean of the two middle
    /// values for an even count.
    @Test func funnelOfAHandWrittenHistory() async throws {
        let history = try HandWrittenHistory.events()
        try await withReports(of: history) { reports in
            let funnel = try await reports.funnel()
            #expect(funnel.stages.map(\.reached) == [2, 2, 1, 1, 0, 0])
            #expect(funnel.stages.map(\.conversion) == [nil, 1, 0.5, 1, 0, nil])
            // c1 reported at day 0, screening after 36 h; c2 reported at day 1, screening 12 h later.
            #expect(funnel.stages[1].medianDays == 1.0)
            #expect(funnel.stages[3].medianDays == 3.0)
            #expect(funnel.stages[2].medianDays == nil)     // c1 skipped ideaDevelopment
            #expect(funnel.dropped == 1)
            let geography = try await reports.geography()
            #expect(geography[.SE]?.organisations[.municipality] == 1)
            #expect(geography[.SE]?.challengesReported == 2)
            #expect(geography[.SE]?.staffTrained == 1)
            #expect(geography[.DK]?.organisations[.company] == 1)
            #expect(geography[.DK]?.staffTrained == 0)
        }
    }
}
