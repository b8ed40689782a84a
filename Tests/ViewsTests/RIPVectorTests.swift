import Foundation
import Testing
import Views

/// RIP: a version 1 response, version 2 responses with a simple password and with keyed
/// MD5 (its trailer), an entry of an unknown family, and a request for the whole table
/// sent to 224.0.0.9 with a TTL of 64 (tshark's RFC 3171 note on the TTL); held to
/// tshark 4.0.17's output for a capture of these frames. The public corpus's
/// tcpdump__ripv1v2.pcap is checked line for line by the corpus sweep.
@Suite struct RIPVectorTests {
    static let frames: [(UInt32, UInt32, String)] = [
        (1700000000, 0, "0011223344550066778899aa08004500004800014000401125a50a0000010a0000ff02080208003414c402010000000200000a01000000000000000000000000000100020000c0a80500000000000000000000000003"),
        (1700000001, 1000, "0011223344550066778899aa08004500005c00014000401150860a000001e0000009020802080048b4d202020000ffff000273656372657400000000000000000000000200070a020000ffff00000a0000fe00000002000200000a030000ffffff000000000000000010"),
        (1700000002, 2000, "0011223344550066778899aa08004500005c00014000401150860a000001e0000009020802080048f97c02020000ffff0003002c011400003039000000000000000000020000ac100000fff000000000000000000004ffff0001000102030405060708090a0b0c0d0e0f"),
        (1700000003, 3000, "0011223344550066778899aa08004500003400014000401150ae0a000001e00000090208020800200b84020200000007000001020304000000000000000000000001"),
        (1700000004, 4000, "0011223344550066778899aa08004500003400014000401150ae0a000001e00000090208020800201082010200000000000000000000000000000000000000000010"),
    ]

    @Test func summaryAndDetails() throws {
        let path = try ModbusEAPVectorTests.capture(Self.frames, name: "rip")
        #expect(ModbusEAPVectorTests.summary(path) == """
            1   0.000000     10.0.0.1 → 10.0.0.255   RIPv1 86 Response
            2   1.001000     10.0.0.1 → 224.0.0.9    RIPv2 106 Response
            3   2.002000     10.0.0.1 → 224.0.0.9    RIPv2 106 Response
            4   3.003000     10.0.0.1 → 224.0.0.9    RIPv2 66 Response
            5   4.004000     10.0.0.1 → 224.0.0.9    RIPv2 66 Request

        """)
        let verbose = (1...Self.frames.count).map { ModbusEAPVectorTests.verbose(path, frame: $0) }.joined()
        #expect(verbose.trimmingCharacters(in: .newlines) == """
        Frame 1: 86 bytes on wire (688 bits), 86 bytes captured (688 bits)
            Encapsulation type: Ethernet (1)
            Arrival Time: Nov 14, 2023 22:13:20.000000000 UTC
            [Time shift for this packet: 0.000000000 seconds]
            Epoch Time: 1700000000.000000000 seconds
            [Time delta from previous captured frame: 0.000000000 seconds]
            [Time delta from previous displayed frame: 0.000000000 seconds]
            [Time since reference or first frame: 0.000000000 seconds]
            Frame Number: 1
            Frame Length: 86 bytes (688 bits)
            Capture Length: 86 bytes (688 bits)
            [Frame is marked: False]
            [Frame is ignored: False]
            [Protocols in frame: eth:ethertype:ip:udp:rip]
        Ethernet II, Src: 00:66:77:88:99:aa, Dst: 00:11:22:33:44:55
            Destination: 00:11:22:33:44:55
                Address: 00:11:22:33:44:55
                .... ..0. .... .... .... .... = LG bit: Globally unique address (factory default)
                .... ...0 .... .... .... .... = IG bit: Individual address (unicast)
            Source: 00:66:77:88:99:aa
                Address: 00:66:77:88:99:aa
                .... ..0. .... .... .... .... = LG bit: Globally unique address (factory default)
                .... ...0 .... .... .... .... = IG bit: Individual address (unicast)
            Type: IPv4 (0x0800)
        Internet Protocol Version 4, Src: 10.0.0.1, Dst: 10.0.0.255
            0100 .... = Version: 4
            .... 0101 = Header Length: 20 bytes (5)
            Differentiated Services Field: 0x00 (DSCP: CS0, ECN: Not-ECT)
                0000 00.. = Differentiated Services Codepoint: Default (0)
                .... ..00 = Explicit Congestion Notification: Not ECN-Capable Transport (0)
            Total Length: 72
            Identification: 0x0001 (1)
            010. .... = Flags: 0x2, Don't fragment
                0... .... = Reserved bit: Not set
                .1.. .... = Don't fragment: Set
                ..0. .... = More fragments: Not set
            ...0 0000 0000 0000 = Fragment Offset: 0
            Time to Live: 64
            Protocol: UDP (17)
            Header Checksum: 0x25a5 [validation disabled]
            [Header checksum status: Unverified]
            Source Address: 10.0.0.1
            Destination Address: 10.0.0.255
        User Datagram Protocol, Src Port: 520, Dst Port: 520
            Source Port: 520
            Destination Port: 520
            Length: 52
            Checksum: 0x14c4 [unverified]
            [Checksum Status: Unverified]
            [Stream index: 0]
            [Timestamps]
                [Time since first frame: 0.000000000 seconds]
                [Time since previous frame: 0.000000000 seconds]
            UDP payload (44 bytes)
        Routing Information Protocol
            Command: Response (2)
            Version: RIPv1 (1)
            IP Address: 10.1.0.0, Metric: 1
                Address Family: IP (2)
                IP Address: 10.1.0.0
                Metric: 1
            IP Address: 192.168.5.0, Metric: 3
                Address Family: IP (2)
                IP Address: 192.168.5.0
                Metric: 3

        Frame 2: 106 bytes on wire (848 bits), 106 bytes captured (848 bits)
            Encapsulation type: Ethernet (1)
            Arrival Time: Nov 14, 2023 22:13:21.001000000 UTC
            [Time shift for this packet: 0.000000000 seconds]
            Epoch Time: 1700000001.001000000 seconds
            [Time delta from previous captured frame: 1.001000000 seconds]
            [Time delta from previous displayed frame: 1.001000000 seconds]
            [Time since reference or first frame: 1.001000000 seconds]
            Frame Number: 2
            Frame Length: 106 bytes (848 bits)
            Capture Length: 106 bytes (848 bits)
            [Frame is marked: False]
            [Frame is ignored: False]
            [Protocols in frame: eth:ethertype:ip:udp:rip]
        Ethernet II, Src: 00:66:77:88:99:aa, Dst: 00:11:22:33:44:55
            Destination: 00:11:22:33:44:55
                Address: 00:11:22:33:44:55
                .... ..0. .... .... .... .... = LG bit: Globally unique address (factory default)
                .... ...0 .... .... .... .... = IG bit: Individual address (unicast)
            Source: 00:66:77:88:99:aa
                Address: 00:66:77:88:99:aa
                .... ..0. .... .... .... .... = LG bit: Globally unique address (factory default)
                .... ...0 .... .... .... .... = IG bit: Individual address (unicast)
            Type: IPv4 (0x0800)
        Internet Protocol Version 4, Src: 10.0.0.1, Dst: 224.0.0.9
            0100 .... = Version: 4
            .... 0101 = Header Length: 20 bytes (5)
            Differentiated Services Field: 0x00 (DSCP: CS0, ECN: Not-ECT)
                0000 00.. = Differentiated Services Codepoint: Default (0)
                .... ..00 = Explicit Congestion Notification: Not ECN-Capable Transport (0)
            Total Length: 92
            Identification: 0x0001 (1)
            010. .... = Flags: 0x2, Don't fragment
                0... .... = Reserved bit: Not set
                .1.. .... = Don't fragment: Set
                ..0. .... = More fragments: Not set
            ...0 0000 0000 0000 = Fragment Offset: 0
            Time to Live: 64
                [Expert Info (Note/Sequence): "Time To Live" != 1 for a packet sent to the Local Network Control Block (see RFC 3171)]
                    ["Time To Live" != 1 for a packet sent to the Local Network Control Block (see RFC 3171)]
                    [Severity level: Note]
                    [Group: Sequence]
            Protocol: UDP (17)
            Header Checksum: 0x5086 [validation disabled]
            [Header checksum status: Unverified]
            Source Address: 10.0.0.1
            Destination Address: 224.0.0.9
        User Datagram Protocol, Src Port: 520, Dst Port: 520
            Source Port: 520
            Destination Port: 520
            Length: 72
            Checksum: 0xb4d2 [unverified]
            [Checksum Status: Unverified]
            [Stream index: 1]
            [Timestamps]
                [Time since first frame: 0.000000000 seconds]
                [Time since previous frame: 0.000000000 seconds]
            UDP payload (64 bytes)
        Routing Information Protocol
            Command: Response (2)
            Version: RIPv2 (2)
            Authentication: Simple Password
                Authentication type: Simple Password (2)
                Password: secret
            IP Address: 10.2.0.0, Metric: 2
                Address Family: IP (2)
                Route Tag: 7
                IP Address: 10.2.0.0
                Netmask: 255.255.0.0
                Next Hop: 10.0.0.254
                Metric: 2
            IP Address: 10.3.0.0, Metric: 16
                Address Family: IP (2)
                Route Tag: 0
                IP Address: 10.3.0.0
                Netmask: 255.255.255.0
                Next Hop: 0.0.0.0
                Metric: 16

        Frame 3: 106 bytes on wire (848 bits), 106 bytes captured (848 bits)
            Encapsulation type: Ethernet (1)
            Arrival Time: Nov 14, 2023 22:13:22.002000000 UTC
            [Time shift for this packet: 0.000000000 seconds]
            Epoch Time: 1700000002.002000000 seconds
            [Time delta from previous captured frame: 1.001000000 seconds]
            [Time delta from previous displayed frame: 1.001000000 seconds]
            [Time since reference or first frame: 2.002000000 seconds]
            Frame Number: 3
            Frame Length: 106 bytes (848 bits)
            Capture Length: 106 bytes (848 bits)
            [Frame is marked: False]
            [Frame is ignored: False]
            [Protocols in frame: eth:ethertype:ip:udp:rip]
        Ethernet II, Src: 00:66:77:88:99:aa, Dst: 00:11:22:33:44:55
            Destination: 00:11:22:33:44:55
                Address: 00:11:22:33:44:55
                .... ..0. .... .... .... .... = LG bit: Globally unique address (factory default)
                .... ...0 .... .... .... .... = IG bit: Individual address (unicast)
            Source: 00:66:77:88:99:aa
                Address: 00:66:77:88:99:aa
                .... ..0. .... .... .... .... = LG bit: Globally unique address (factory default)
                .... ...0 .... .... .... .... = IG bit: Individual address (unicast)
            Type: IPv4 (0x0800)
        Internet Protocol Version 4, Src: 10.0.0.1, Dst: 224.0.0.9
            0100 .... = Version: 4
            .... 0101 = Header Length: 20 bytes (5)
            Differentiated Services Field: 0x00 (DSCP: CS0, ECN: Not-ECT)
                0000 00.. = Differentiated Services Codepoint: Default (0)
                .... ..00 = Explicit Congestion Notification: Not ECN-Capable Transport (0)
            Total Length: 92
            Identification: 0x0001 (1)
            010. .... = Flags: 0x2, Don't fragment
                0... .... = Reserved bit: Not set
                .1.. .... = Don't fragment: Set
                ..0. .... = More fragments: Not set
            ...0 0000 0000 0000 = Fragment Offset: 0
            Time to Live: 64
                [Expert Info (Note/Sequence): "Time To Live" != 1 for a packet sent to the Local Network Control Block (see RFC 3171)]
                    ["Time To Live" != 1 for a packet sent to the Local Network Control Block (see RFC 3171)]
                    [Severity level: Note]
                    [Group: Sequence]
            Protocol: UDP (17)
            Header Checksum: 0x5086 [validation disabled]
            [Header checksum status: Unverified]
            Source Address: 10.0.0.1
            Destination Address: 224.0.0.9
        User Datagram Protocol, Src Port: 520, Dst Port: 520
            Source Port: 520
            Destination Port: 520
            Length: 72
            Checksum: 0xf97c [unverified]
            [Checksum Status: Unverified]
            [Stream index: 1]
            [Timestamps]
                [Time since first frame: 1.001000000 seconds]
                [Time since previous frame: 1.001000000 seconds]
            UDP payload (64 bytes)
        Routing Information Protocol
            Command: Response (2)
            Version: RIPv2 (2)
            Authentication: Keyed Message Digest
                Authentication type: Keyed Message Digest (3)
                Digest Offset: 44
                Key ID: 1
                Auth Data Len: 20
                Seq num: 12345
                Zero adding: 
                Authentication Data Trailer
                    Authentication Data: 000102030405060708090a0b0c0d0e0f
            IP Address: 172.16.0.0, Metric: 4
                Address Family: IP (2)
                Route Tag: 0
                IP Address: 172.16.0.0
                Netmask: 255.240.0.0
                Next Hop: 0.0.0.0
                Metric: 4

        Frame 4: 66 bytes on wire (528 bits), 66 bytes captured (528 bits)
            Encapsulation type: Ethernet (1)
            Arrival Time: Nov 14, 2023 22:13:23.003000000 UTC
            [Time shift for this packet: 0.000000000 seconds]
            Epoch Time: 1700000003.003000000 seconds
            [Time delta from previous captured frame: 1.001000000 seconds]
            [Time delta from previous displayed frame: 1.001000000 seconds]
            [Time since reference or first frame: 3.003000000 seconds]
            Frame Number: 4
            Frame Length: 66 bytes (528 bits)
            Capture Length: 66 bytes (528 bits)
            [Frame is marked: False]
            [Frame is ignored: False]
            [Protocols in frame: eth:ethertype:ip:udp:rip]
        Ethernet II, Src: 00:66:77:88:99:aa, Dst: 00:11:22:33:44:55
            Destination: 00:11:22:33:44:55
                Address: 00:11:22:33:44:55
                .... ..0. .... .... .... .... = LG bit: Globally unique address (factory default)
                .... ...0 .... .... .... .... = IG bit: Individual address (unicast)
            Source: 00:66:77:88:99:aa
                Address: 00:66:77:88:99:aa
                .... ..0. .... .... .... .... = LG bit: Globally unique address (factory default)
                .... ...0 .... .... .... .... = IG bit: Individual address (unicast)
            Type: IPv4 (0x0800)
        Internet Protocol Version 4, Src: 10.0.0.1, Dst: 224.0.0.9
            0100 .... = Version: 4
            .... 0101 = Header Length: 20 bytes (5)
            Differentiated Services Field: 0x00 (DSCP: CS0, ECN: Not-ECT)
                0000 00.. = Differentiated Services Codepoint: Default (0)
                .... ..00 = Explicit Congestion Notification: Not ECN-Capable Transport (0)
            Total Length: 52
            Identification: 0x0001 (1)
            010. .... = Flags: 0x2, Don't fragment
                0... .... = Reserved bit: Not set
                .1.. .... = Don't fragment: Set
                ..0. .... = More fragments: Not set
            ...0 0000 0000 0000 = Fragment Offset: 0
            Time to Live: 64
                [Expert Info (Note/Sequence): "Time To Live" != 1 for a packet sent to the Local Network Control Block (see RFC 3171)]
                    ["Time To Live" != 1 for a packet sent to the Local Network Control Block (see RFC 3171)]
                    [Severity level: Note]
                    [Group: Sequence]
            Protocol: UDP (17)
            Header Checksum: 0x50ae [validation disabled]
            [Header checksum status: Unverified]
            Source Address: 10.0.0.1
            Destination Address: 224.0.0.9
        User Datagram Protocol, Src Port: 520, Dst Port: 520
            Source Port: 520
            Destination Port: 520
            Length: 32
            Checksum: 0x0b84 [unverified]
            [Checksum Status: Unverified]
            [Stream index: 1]
            [Timestamps]
                [Time since first frame: 2.002000000 seconds]
                [Time since previous frame: 1.001000000 seconds]
            UDP payload (24 bytes)
        Routing Information Protocol
            Command: Response (2)
            Version: RIPv2 (2)
            Unknown address family 7
                [Expert Info (Warning/Protocol): Unknown address family 7]
                    [Unknown address family 7]
                    [Severity level: Warning]
                    [Group: Protocol]

        Frame 5: 66 bytes on wire (528 bits), 66 bytes captured (528 bits)
            Encapsulation type: Ethernet (1)
            Arrival Time: Nov 14, 2023 22:13:24.004000000 UTC
            [Time shift for this packet: 0.000000000 seconds]
            Epoch Time: 1700000004.004000000 seconds
            [Time delta from previous captured frame: 1.001000000 seconds]
            [Time delta from previous displayed frame: 1.001000000 seconds]
            [Time since reference or first frame: 4.004000000 seconds]
            Frame Number: 5
            Frame Length: 66 bytes (528 bits)
            Capture Length: 66 bytes (528 bits)
            [Frame is marked: False]
            [Frame is ignored: False]
            [Protocols in frame: eth:ethertype:ip:udp:rip]
        Ethernet II, Src: 00:66:77:88:99:aa, Dst: 00:11:22:33:44:55
            Destination: 00:11:22:33:44:55
                Address: 00:11:22:33:44:55
                .... ..0. .... .... .... .... = LG bit: Globally unique address (factory default)
                .... ...0 .... .... .... .... = IG bit: Individual address (unicast)
            Source: 00:66:77:88:99:aa
                Address: 00:66:77:88:99:aa
                .... ..0. .... .... .... .... = LG bit: Globally unique address (factory default)
                .... ...0 .... .... .... .... = IG bit: Individual address (unicast)
            Type: IPv4 (0x0800)
        Internet Protocol Version 4, Src: 10.0.0.1, Dst: 224.0.0.9
            0100 .... = Version: 4
            .... 0101 = Header Length: 20 bytes (5)
            Differentiated Services Field: 0x00 (DSCP: CS0, ECN: Not-ECT)
                0000 00.. = Differentiated Services Codepoint: Default (0)
                .... ..00 = Explicit Congestion Notification: Not ECN-Capable Transport (0)
            Total Length: 52
            Identification: 0x0001 (1)
            010. .... = Flags: 0x2, Don't fragment
                0... .... = Reserved bit: Not set
                .1.. .... = Don't fragment: Set
                ..0. .... = More fragments: Not set
            ...0 0000 0000 0000 = Fragment Offset: 0
            Time to Live: 64
                [Expert Info (Note/Sequence): "Time To Live" != 1 for a packet sent to the Local Network Control Block (see RFC 3171)]
                    ["Time To Live" != 1 for a packet sent to the Local Network Control Block (see RFC 3171)]
                    [Severity level: Note]
                    [Group: Sequence]
            Protocol: UDP (17)
            Header Checksum: 0x50ae [validation disabled]
            [Header checksum status: Unverified]
            Source Address: 10.0.0.1
            Destination Address: 224.0.0.9
        User Datagram Protocol, Src Port: 520, Dst Port: 520
            Source Port: 520
            Destination Port: 520
            Length: 32
            Checksum: 0x1082 [unverified]
            [Checksum Status: Unverified]
            [Stream index: 1]
            [Timestamps]
                [Time since first frame: 3.003000000 seconds]
                [Time since previous frame: 1.001000000 seconds]
            UDP payload (24 bytes)
        Routing Information Protocol
            Command: Request (1)
            Version: RIPv2 (2)
            Address not specified, Metric: 16
                Address Family: Unspecified (0)
                Route Tag: 0
                Netmask: 0.0.0.0
                Next Hop: 0.0.0.0
                Metric: 16
        """)
    }
}
