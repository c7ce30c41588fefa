import Ledger

/// The append hook that enforces the domain's rules: for every record an append stores, it
/// checks the rules against the rule state in the store's `careledger.rules` table and
/// records the event's effect there, in the append's own transaction.
///
/// A broken rule throws ``RuleViolation``, which refuses the whole append (nothing of it is
/// stored) and reaches the appending caller unchanged. A record of a type that is not one of
/// the domain's, in a schema version ``EventCatalog/careWare`` does not know, whose payload does
/// not decode, or in a stream that is not its entity's, is refused the same way
/// (``Rule/eventTypeNotInDomain``, ``Rule/payloadUnreadable``, ``Rule/streamNotEntity``): the
/// store holds only events the rules have seen.
///
/// The table also holds the position of the last record the state includes. Hooks are not
/// stored, so an append made without this one (by a process that opened the ledger without a
/// ``CareStore``) leaves the state behind the log; the next append the hook sees, or
/// ``catchUp(in:)`` when a store opens, first folds the missed records into the state, without
/// checking them (they are stored already).
///
/// Cost per record: one payload decode in place, one look-up per entity the event names, one
/// or two writes, and the checkpoint's read and write.
struct RulesHook: AppendHook {
    /// The name of the rule state's table.
    static let tableName = "careledger.rules"

    let table: Table

    func didAppend(_ record: RecordView, in scope: WriteScope) throws {
        var state = StoredRuleState(scope: scope, table: table)
        let position = record.position
        let checkpoint = try state.checkpoint()
        if checkpoint + 1 < position {
            try Self.fold(from: checkpoint + 1, through: position - 1, of: scope.reader, into: &state)
        }
        try Self.admit(record, into: &state)
        try state.setCheckpoint(position)
    }

    /// Brings the stored rule state up to the log's head; does nothing when it is current.
    func catchUp(in scope: WriteScope) throws {
        var state = StoredRuleState(scope: scope, table: table)
        let checkpoint = try state.checkpoint()
        let head = try scope.reader.head
        guard checkpoint < head else { return }
        try Self.fold(from: checkpoint + 1, through: head, of: scope.reader, into: &state)
        try state.setCheckpoint(head)
    }

    /// Checks `record` against the rules and records its effect in `state`.
    ///
    /// - Throws: ``RuleViolation``; what the storage throws.
    static func admit(_ record: RecordView, into state: inout some RuleStateStorage) throws {
        guard let type = CareEventType(tag: record.typeTag), record.typeBytes.elementsEqual(type.name.utf8) else {
            throw RuleViolation(rule: .eventTypeNotInDomain, eventID: record.id, field: "type")
        }
        do {
            try EventCatalog.careWare.withCurrentPayload(of: record) { payload in
                let input: RuleInput
                do {
                    input = try RuleInput(type, payload: payload)
                } catch {
                    throw RuleBreach(.payloadUnreadable, "payload")
                }
                guard Self.stream(record.streamBytes, isTheStreamOf: input.entity, category: type.schema.category) else {
                    throw RuleBreach(.streamNotEntity, "stream")
                }
                try RuleBook.admit(input, into: &state)
            }
        } catch let breach as RuleBreach {
            throw breach.violation(eventID: record.id)
        } catch let error as EventDataError {
            let rule: Rule = if case .corruptPayload = error.problem { .payloadUnreadable } else { .eventTypeNotInDomain }
            throw RuleViolation(rule: rule, eventID: record.id, field: error.field)
        }
    }

    /// Folds stored records into `state` without checking them; skips records the rules
    /// cannot read.
    private static func fold(
        from start: UInt64, through end: UInt64, of log: ReadScope, into state: inout StoredRuleState
    ) throws {
        try log.forEachRecord(from: start, through: end) { record in
            guard let type = CareEventType(tag: record.typeTag) else { return true }
            do {
                try EventCatalog.careWare.withCurrentPayload(of: record) { payload in
                    guard let input = try? RuleInput(type, payload: payload) else { return }
                    try RuleBook.apply(input, to: &state)
                }
            } catch is EventDataError {
                // A schema version the catalog does not know: nothing the rules can read.
            }
            return true
        }
    }

    /// Whether `stream` is `<category>-<entity>`.
    static func stream(_ stream: UnsafeRawBufferPointer, isTheStreamOf entity: UnsafeRawBufferPointer, category: String) -> Bool {
        let prefix = category.utf8.count
        guard stream.count == prefix + 1 + entity.count, stream[prefix] == UInt8(ascii: "-") else { return false }
        return stream[..<prefix].elementsEqual(category.utf8) && stream[(prefix + 1)...].elementsEqual(entity)
    }
}
