import Dissect
import Testing

struct ByteSinkTests {
    private func text(_ write: (ByteSink) -> Void) -> String {
        let sink = ByteSink(capacity: 16)
        write(sink)
        return sink.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Every digit count, at both ends: the count is found by comparisons, the digits two at a time.
    @Test func decimalsAtEveryPowerOfTen() {
        var values: [UInt64] = [0, 1, 9, UInt64.max, UInt64.max - 1]
        var power: UInt64 = 10
        for _ in 1...19 {
            values += [power - 1, power, power + 1]
            power = power &* 10
        }
        for v in values {
            #expect(text { $0.appendDecimal(v) } == String(v))
        }
    }

    @Test func zeroPaddedWidths() {
        #expect(text { $0.appendDecimal(42, width: 5) } == "00042")
        #expect(text { $0.appendDecimal(123_456, width: 3) } == "456")
        #expect(text { $0.appendDecimal(7, width: 0) } == "")
        #expect(text { $0.appendDecimal(UInt64.max, width: 20) } == String(UInt64.max))
    }

    @Test func dottedQuads() {
        #expect(text { $0.appendDottedQuad(0) } == "0.0.0.0")
        #expect(text { $0.appendDottedQuad(0xFFFF_FFFF) } == "255.255.255.255")
        #expect(text { $0.appendDottedQuad(0x0A01_6409) } == "10.1.100.9")
    }

    @Test func appendsGrowTheBuffer() {
        let long = String(repeating: "x", count: 100)
        #expect(text { sink in
            for _ in 0..<3 { long.utf8.withContiguousStorageIfAvailable { sink.append(UnsafeRawBufferPointer($0)) } }
        } == long + long + long)
    }
}
