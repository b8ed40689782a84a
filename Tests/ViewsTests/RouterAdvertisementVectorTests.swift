import Foundation
import Testing
import Views

/// ICMPv6 router advertisements (RFC 4861 section 4.2): every flag, the router preference
/// of RFC 4191, and the source link-layer address, MTU and prefix information options
/// (an infinite valid lifetime included); held to tshark 4.0.17's output for a capture of
/// these frames.
@Suite struct RouterAdvertisementVectorTests {
    static let frames: [(UInt32, UInt32, String)] = [
        (1700000000, 0, "33330000000100112233445586dd6000000000403afffe800000000000000000000000000001ff02000000000000000000000000000186000f7040dc070800007530000003e8010100112233445505010000000005c8030440c000278d0000093a800000000020010db8000100000000000000000000"),
        (1700000001, 1000, "33330000000100112233445586dd6000000000303afffe800000000000000000000000000001ff020000000000000000000000000001860061e74030000000007530000003e803043020ffffffff000000000000000020010db8000200000000000000000000"),
        (1700000002, 2000, "33330000000100112233445586dd6000000000183afffe800000000000000000000000000001ff0200000000000000000000000000018600b1354008070800007530000003e805010000000005c8"),
    ]
    static let capture = Result { try ModbusEAPVectorTests.capture(frames, name: "router-advertisement") }

    @Test func summaryLines() throws {
        #expect(ModbusEAPVectorTests.summary(try Self.capture.get()) == """
            1   0.000000      fe80::1 → ff02::1      ICMPv6 118 Router Advertisement from 00:11:22:33:44:55
            2   1.001000      fe80::1 → ff02::1      ICMPv6 102 Router Advertisement
            3   2.002000      fe80::1 → ff02::1      ICMPv6 78 Router Advertisement

        """)
    }

    @Test(arguments: [
        (1, """
        Internet Control Message Protocol v6
            Type: Router Advertisement (134)
            Code: 0
            Checksum: 0x0f70 [correct]
            [Checksum Status: Good]
            Cur hop limit: 64
            Flags: 0xdc, Managed address configuration, Other configuration, Prf (Default Router Preference): Low, Proxy
                1... .... = Managed address configuration: Set
                .1.. .... = Other configuration: Set
                ..0. .... = Home Agent: Not set
                ...1 1... = Prf (Default Router Preference): Low (3)
                .... .1.. = Proxy: Set
                .... ..00 = Reserved: 0
            Router lifetime (s): 1800
            Reachable time (ms): 30000
            Retrans timer (ms): 1000
            ICMPv6 Option (Source link-layer address : 00:11:22:33:44:55)
                Type: Source link-layer address (1)
                Length: 1 (8 bytes)
                Link-layer address: 00:11:22:33:44:55
            ICMPv6 Option (MTU : 1480)
                Type: MTU (5)
                Length: 1 (8 bytes)
                Reserved
                MTU: 1480
            ICMPv6 Option (Prefix information : 2001:db8:1::/64)
                Type: Prefix information (3)
                Length: 4 (32 bytes)
                Prefix Length: 64
                Flag: 0xc0, On-link flag(L), Autonomous address-configuration flag(A)
                    1... .... = On-link flag(L): Set
                    .1.. .... = Autonomous address-configuration flag(A): Set
                    ..0. .... = Router address flag(R): Not set
                    ...0 0000 = Reserved: 0
                Valid Lifetime: 2592000
                Preferred Lifetime: 604800
                Reserved
                Prefix: 2001:db8:1::
        """),
        (2, """
        Internet Control Message Protocol v6
            Type: Router Advertisement (134)
            Code: 0
            Checksum: 0x61e7 [correct]
            [Checksum Status: Good]
            Cur hop limit: 64
            Flags: 0x30, Home Agent, Prf (Default Router Preference): Reserved
                0... .... = Managed address configuration: Not set
                .0.. .... = Other configuration: Not set
                ..1. .... = Home Agent: Set
                ...1 0... = Prf (Default Router Preference): Reserved (2)
                .... .0.. = Proxy: Not set
                .... ..00 = Reserved: 0
            Router lifetime (s): 0
            Reachable time (ms): 30000
            Retrans timer (ms): 1000
            ICMPv6 Option (Prefix information : 2001:db8:2::/48)
                Type: Prefix information (3)
                Length: 4 (32 bytes)
                Prefix Length: 48
                Flag: 0x20, Router address flag(R)
                    0... .... = On-link flag(L): Not set
                    .0.. .... = Autonomous address-configuration flag(A): Not set
                    ..1. .... = Router address flag(R): Set
                    ...0 0000 = Reserved: 0
                Valid Lifetime: Infinity (4294967295)
                Preferred Lifetime: 0
                Reserved
                Prefix: 2001:db8:2::
        """),
        (3, """
        Internet Control Message Protocol v6
            Type: Router Advertisement (134)
            Code: 0
            Checksum: 0xb135 [correct]
            [Checksum Status: Good]
            Cur hop limit: 64
            Flags: 0x08, Prf (Default Router Preference): High
                0... .... = Managed address configuration: Not set
                .0.. .... = Other configuration: Not set
                ..0. .... = Home Agent: Not set
                ...0 1... = Prf (Default Router Preference): High (1)
                .... .0.. = Proxy: Not set
                .... ..00 = Reserved: 0
            Router lifetime (s): 1800
            Reachable time (ms): 30000
            Retrans timer (ms): 1000
            ICMPv6 Option (MTU : 1480)
                Type: MTU (5)
                Length: 1 (8 bytes)
                Reserved
                MTU: 1480
        """)
    ])
    func icmpv6Tree(frame: Int, expected: String) throws {
        let verbose = ModbusEAPVectorTests.verbose(try Self.capture.get(), frame: frame)
        guard let start = verbose.range(of: "\nInternet Control Message Protocol v6") else {
            Issue.record("frame \(frame) has no ICMPv6 layer")
            return
        }
        #expect(verbose[verbose.index(after: start.lowerBound)...].trimmingCharacters(in: .newlines) == expected)
    }
}
