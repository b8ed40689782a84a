import Testing
@testable import Dissect

@Suite struct ByteViewTests {
    @Test func readsBigAndLittleEndian() {
        let bytes: [UInt8] = [0x12, 0x34, 0x56, 0x78, 0x9a]
        bytes.withUnsafeBytes { buf in
            let v = ByteView(buf)
            #expect(v.u16be(0) == 0x1234)
            #expect(v.u16le(0) == 0x3412)
            #expect(v.u32be(1) == 0x3456_789a)
            #expect(v.contains(3, length: 2))
            #expect(!v.contains(4, length: 2))
            #expect(v.slice(1..<3).u16be(0) == 0x3456)
            #expect(v.hasBytes("\u{56}\u{78}", at: 2))
        }
    }
}
