import CareLedger
import Ledger
import Testing

@Suite("Hostile payloads: any bytes decode to valid data or are refused")
struct HostilePayloadTests {
    @Test("random and mutated payloads of every type", arguments: CareEventType.allCases)
    func hostile(type: CareEventType) throws {
        let (_, data) = try #require(EventModelTests.examples.first { $0.0 == type })
        let valid = try CareEvent(id: "e", type: type, occurredAt: .now, data: data).payload
        var random = SplitMix64(seed: UInt64(type.name.utf8.count))
        var accepted = 0
        for trial in 0 ..< 5_000 {
            var bytes = valid
            if trial % 2 == 0 {
                bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            } else {
                bytes = (0 ..< random.next() % 80).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
            guard let decoded = try? PayloadCodec.decode(bytes, as: type.schema) else { continue }
            accepted += 1
            // What decodes is valid data that encodes back to exactly the same bytes.
            #expect(try PayloadCodec.encode(decoded, as: type.schema) == bytes)
        }
        #expect(accepted > 0)
    }

}
