extension KPIExplanation {
    /// The state of one explanation replay: which entities already count, and since which event.
    struct Tally {
        let indicator: KPIIndicator
        private var counted: [KPIContribution] = []
        /// Distinct entities already counted.
        private var seen: Set<String> = []
        /// staffTrained: each person's registration (role staff or not) and first course.
        private var staffRegistration: [String: (isStaff: Bool, event: KPIContribution)] = [:]
        private var firstCourse: [String: KPIContribution] = [:]

        init(indicator: KPIIndicator) { self.indicator = indicator }

        /// The contributions, in log order.
        var contributions: [KPIContribution] {
            guard indicator == .staffTrained else { return counted }
            return firstCourse.compactMap { person, course in
                guard let registration = staffRegistration[person], registration.isStaff else { return nil }
                return registration.event.position > course.position ? registration.event : course
            }.sorted { $0.position < $1.position }
        }

        mutating func fold(_ type: CareEventType, _ data: JSONObject, _ event: KPIContribution) {
            switch indicator {
            case .challengesReported, .solutionsPresented, .partnershipsFormed:
                counted.append(event)
            case .companyCourses, .staffCourses, .newTechnologyCourses, .studentCourses:
                if data["kind"]?.stringValue == courseKind.rawValue { counted.append(event) }
            case .ideaDevelopmentCompleted, .successfulProjects:
                guard let stage = data["stage"]?.stringValue.flatMap(Stage.init(rawValue:)), stage != .dropped,
                      stage >= (indicator == .successfulProjects ? .implemented : .concept),
                      let challenge = data["challenge"]?.stringValue
                else { return }
                countOnce(challenge, event)
            case .companiesEngaged:
                let companies = type == .courseCompleted
                    ? (data["companies"]?.arrayValue ?? []).compactMap(\.stringValue)
                    : [data["company"]?.stringValue].compactMap { $0 }
                for company in companies { countOnce(company, event) }
            case .staffTrained:
                if type == .personRegistered, let person = data["person"]?.stringValue {
                    staffRegistration[person] = (data["role"]?.stringValue == PersonRole.staff.rawValue, event)
                } else {
                    for person in (data["participants"]?.arrayValue ?? []).compactMap(\.stringValue) where firstCourse[person] == nil {
                        firstCourse[person] = event
                    }
                }
            }
        }

        private mutating func countOnce(_ entity: String, _ event: KPIContribution) {
            if seen.insert(entity).inserted { counted.append(event) }
        }

        private var courseKind: CourseKind {
            switch indicator {
            case .companyCourses: .company
            case .staffCourses: .staff
            case .newTechnologyCourses: .newTechnology
            default: .student
            }
        }
    }
}
