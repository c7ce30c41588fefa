import CareLedger
import Ledger

/// The reports as terminal tables, CSV and JSON, one function per report and format family.
enum ReportRendering {
    /// A table or CSV document from a header and rows.
    static func grid(_ headers: [String], _ rows: [[String]], format: OutputFormat, alignments: [TextTable.Alignment]? = nil) -> String {
        if format == .csv {
            var csv = CSVTable(headers)
            rows.forEach { csv.append($0) }
            return csv.rendered()
        }
        var table = TextTable(headers, alignments: alignments)
        rows.forEach { table.append($0) }
        return table.rendered()
    }

    /// A command's named figures: a JSON object of their values (in order, with a newline), or
    /// a two-column table of their texts for any other format.
    static func figures(_ figures: [(name: String, value: JSONValue, text: String)], format: OutputFormat) -> String {
        if format == .json {
            return JSONValue.object(JSONObject(uniqueKeysWithValues: figures.map { ($0.name, $0.value) })).serialized() + "\n"
        }
        return grid(["figure", "value"], figures.map { [$0.name, $0.text] }, format: .table)
    }

    /// The `as of …` line above a table.
    static func caption(_ point: AsOf) -> String {
        switch point {
        case .now: "as of now"
        case .position(let position): "as of position \(position)"
        case .time(let time): "as of \(time.rfc3339 ?? time.description)"
        }
    }

    static func kpi(_ report: KPIReport, format: OutputFormat) -> String {
        if format == .json { return report.json.serialized() + "\n" }
        if format == .csv {
            return grid(["key", "actual", "targetMin", "targetMax", "status"], report.indicators.map { figure in
                [figure.indicator.key, String(figure.actual), figure.target.map { String($0.minimum) } ?? "",
                 figure.target?.maximum.map(String.init) ?? "", figure.status?.rawValue ?? ""]
            }, format: .csv)
        }
        let rows = report.indicators.map { figure -> [String] in
            let target = figure.target.map { target in
                target.maximum.map { "\(target.minimum)–\($0)" } ?? "\(target.minimum)–"
            }
            return [figure.indicator.key, String(figure.actual), target ?? "", statusMark(figure.status)]
        }
        return caption(report.asOf) + "\n" + grid(["indicator", "actual", "target", "status"], rows, format: .table,
                                                 alignments: [.left, .right, .left, .left])
    }

    /// `below ▼`, `met ✓`, `above ▲`, or blank for an indicator without a target.
    static func statusMark(_ status: KPIStatus?) -> String {
        switch status {
        case .below: "below ▼"
        case .met: "met ✓"
        case .above: "above ▲"
        case nil: ""
        }
    }

    static func funnel(_ report: FunnelReport, asOf point: AsOf, format: OutputFormat) -> String {
        if format == .json { return report.json.serialized() + "\n" }
        let rows = report.stages.map { stage in
            [stage.stage.rawValue, String(stage.reached),
             stage.conversion.map { Formatting.fixed($0 * 100, digits: 1) + "%" } ?? "",
             stage.medianDays.map { Formatting.fixed($0, digits: 1) } ?? ""]
        }
        if format == .csv {
            return grid(["stage", "reached", "conversion", "medianDays"], report.stages.map { stage in
                [stage.stage.rawValue, String(stage.reached), stage.conversion.map { "\($0)" } ?? "",
                 stage.medianDays.map { "\($0)" } ?? ""]
            } + [["dropped", String(report.dropped), "", ""]], format: .csv)
        }
        return caption(point) + "\n" + grid(["stage", "reached", "conversion", "median days"], rows, format: .table)
            + "dropped: \(report.dropped)\n"
    }

    static func geography(_ report: GeographyReport, asOf point: AsOf, format: OutputFormat) -> String {
        if format == .json { return report.json.serialized() + "\n" }
        let kinds = OrganisationKind.allCases
        let headers = ["country"] + kinds.map(\.rawValue) + ["challengesReported", "staffTrained"]
        let rows = report.countries.map { country in
            [country.country.rawValue] + kinds.map { String(country.organisations[$0] ?? 0) }
                + [String(country.challengesReported), String(country.staffTrained)]
        }
        return (format == .table ? caption(point) + "\n" : "") + grid(headers, rows, format: format)
    }

    static func contributions(_ list: [KPIContribution], indicator: KPIIndicator, asOf point: AsOf, format: OutputFormat) -> String {
        if format == .json {
            let items = list.map { JSONValue.object(["position": .integer(Int64($0.position)), "id": .string($0.eventID)]) }
            return JSONValue.object(["indicator": .string(indicator.key), "asOf": point.json, "count": .integer(Int64(list.count)),
                                     "events": .array(items)]).serialized() + "\n"
        }
        let rows = list.map { [String($0.position), $0.eventID] }
        let body = grid(["position", "event id"], rows, format: format, alignments: [.right, .left])
        return format == .csv ? body : "\(indicator.key) \(caption(point)): \(list.count) contributing events\n" + body
    }
}
