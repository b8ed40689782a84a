import Foundation
import Testing
@testable import Dissect

/// Damages small captures at every byte and every length: reading must end, without a
/// trap, in frames and at most one error.
@Suite struct CaptureMutationTests {
    static let pcapng: [UInt8] = Capture.shb() + Capture.idb(options: [(2, Array("eth0".utf8)), (9, [9]), (14, [1, 0, 0, 0, 0, 0, 0, 0])])
        + Capture.epb(units: 1, data: Capture.payload(20))
        + Capture.block(0x0BAD, body: Capture.payload(8))
        + Capture.spb(originalLength: 30, data: Capture.payload(12))
        + Capture.pb(units: 2, data: Capture.payload(5))
        + Capture.shb(bigEndian: true) + Capture.idb(bigEndian: true)
        + Capture.epb(bigEndian: true, units: 3, data: Capture.payload(9))

    static let pcap: [UInt8] = Capture.pcapHeader(magic: 0xA1B2_C3D4)
        + Capture.pcapRecord(seconds: 1, fraction: 2, data: Capture.payload(20))
        + Capture.pcapRecord(seconds: 3, fraction: 4, data: Capture.payload(7))

    static func survives(_ bytes: [UInt8]) -> Bool {
        let r = Capture.read(bytes)
        return r.frames.count <= 8
    }

    @Test(arguments: [pcapng, pcap])
    func everyByteAndEveryLength(original: [UInt8]) {
        for i in original.indices {
            for value: UInt8 in [0x00, 0xFF, 0x80, original[i] ^ 0x01] {
                var damaged = original
                damaged[i] = value
                #expect(Self.survives(damaged))
            }
        }
        for length in 0...original.count {
            #expect(Self.survives(Array(original.prefix(length))))
        }
    }
}
