import Testing
@testable import Follow
import Dissect

/// The conversation table's open-addressing index against a dictionary, through random
/// inserts and removals (backward-shift deletion and growth included).
@Suite struct FlowIndexTests {
    static func key(_ n: Int) -> FlowKey {
        let a = Endpoint(address: IPAddress(IPv4Address(rawValue: UInt32(0x0A00_0000 + n % 97))), port: UInt16(n % 65_000))
        let b = Endpoint(address: n % 5 == 0 ? IPAddress(IPv6Address(high: 0xFD00 << 48, low: UInt64(n)))
                                             : IPAddress(IPv4Address(rawValue: 0xC0A8_0001)), port: 80)
        return FlowKey.make(source: a, destination: b, proto: n % 3 == 0 ? 17 : 6).key
    }

    @Test func agreesWithADictionary() {
        var index = FlowIndex()
        var keys: [FlowKey?] = []
        var model: [FlowKey: Int] = [:]
        var free: [Int] = []
        var random = SystemRandomNumberGenerator()
        for step in 0..<60_000 {
            let n = Int(random.next() % 5_000)
            let key = Self.key(n)
            if let slot = model[key], random.next() % 3 == 0 {
                index.remove(key, slot: slot)
                keys[slot] = nil
                model[key] = nil
                free.append(slot)
            } else if model[key] == nil {
                let slot = free.popLast() ?? keys.count
                if slot == keys.count { keys.append(key) } else { keys[slot] = key }
                index.insert(key, slot: slot)
                model[key] = slot
            }
            if step % 997 == 0 {
                for m in 0..<5_000 {
                    let probe = Self.key(m)
                    #expect(index.find(probe) { keys[$0] == probe } == model[probe])
                }
                #expect(index.count == model.count)
            }
        }
    }
}
