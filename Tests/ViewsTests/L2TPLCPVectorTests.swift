import Foundation
import Testing
import Views

/// L2TP version 2 and PPP's Link Control Protocol: a control message with the AVPs of a
/// tunnel's setup, a data message with every optional header field carrying an LCP
/// Configuration Request (MRU, ACCM, CHAP, magic number, PFC, ACFC), an echo with data and
/// a termination request; held to tshark 4.0.17's output for a capture of these frames.
/// The public corpus's dpkt__nb6-http.pcap (L2TP over PPPoE, with Hello and ZLB control
/// messages and IPv6 inside) is checked line for line by the corpus sweep.
@Suite struct L2TPLCPVectorTests {
    static let frames: [(UInt32, UInt32, String)] = [
        (1700000000, 0, "0011223344550066778899aa08004500005100014000401126990a0000010a00000206a506a5003d0054c80200350000000000000000800800000000000180080000000201008011000000076c6e732e6578616d706c658008000000090007"),
        (1700000001, 1000, "0011223344550066778899aa08004500004d000140004011269d0a0000020a00000106a506a50039ef7b4b020031000500060001000200020000ff03c0210107001d010405dc0206000000000305c2230505060102030407020802"),
        (1700000002, 2000, "0011223344550066778899aa08004500003200014000401126b80a0000010a00000206a506a5001eb3ba000200050006ff03c0210908000cdeadbeef61626364"),
        (1700000003, 3000, "0011223344550066778899aa08004500002a00014000401126c00a0000010a00000206a506a500161a36000200050006ff03c02105090004"),
    ]

    @Test func summaryAndDetails() throws {
        let path = try ModbusEAPVectorTests.capture(Self.frames, name: "l2tp-lcp")
        #expect(ModbusEAPVectorTests.summary(path) == """
            1   0.000000     10.0.0.1 → 10.0.0.2     L2TP 95 Control Message - SCCRQ (tunnel id=0, session id=0)
            2   1.001000     10.0.0.2 → 10.0.0.1     PPP LCP 91 Configuration Request
            3   2.002000     10.0.0.1 → 10.0.0.2     PPP LCP 64 Echo Request
            4   3.003000     10.0.0.1 → 10.0.0.2     PPP LCP 56 Termination Request

        """)
        let verbose = (1...Self.frames.count).map { ModbusEAPVectorTests.verbose(path, frame: $0) }.joined()
        #expect(verbose.trimmingCharacters(in: .newlines) == """
        Frame 1: 95 bytes on wire (760 bits), 95 bytes captured (760 bits)
            Encapsulation type: Ethernet (1)
            Arrival Time: Nov 14, 2023 22:13:20.000000000 UTC
            [Time shift for this packet: 0.000000000 seconds]
            Epoch Time: 1700000000.000000000 seconds
            [Time delta from previous captured frame: 0.000000000 seconds]
            [Time delta from previous displayed frame: 0.000000000 seconds]
            [Time since reference or first frame: 0.000000000 seconds]
            Frame Number: 1
            Frame Length: 95 bytes (760 bits)
            Capture Length: 95 bytes (760 bits)
            [Frame is marked: False]
            [Frame is ignored: False]
            [Protocols in frame: eth:ethertype:ip:udp:l2tp]
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
        Internet Protocol Version 4, Src: 10.0.0.1, Dst: 10.0.0.2
            0100 .... = Version: 4
            .... 0101 = Header Length: 20 bytes (5)
            Differentiated Services Field: 0x00 (DSCP: CS0, ECN: Not-ECT)
                0000 00.. = Differentiated Services Codepoint: Default (0)
                .... ..00 = Explicit Congestion Notification: Not ECN-Capable Transport (0)
            Total Length: 81
            Identification: 0x0001 (1)
            010. .... = Flags: 0x2, Don't fragment
                0... .... = Reserved bit: Not set
                .1.. .... = Don't fragment: Set
                ..0. .... = More fragments: Not set
            ...0 0000 0000 0000 = Fragment Offset: 0
            Time to Live: 64
            Protocol: UDP (17)
            Header Checksum: 0x2699 [validation disabled]
            [Header checksum status: Unverified]
            Source Address: 10.0.0.1
            Destination Address: 10.0.0.2
        User Datagram Protocol, Src Port: 1701, Dst Port: 1701
            Source Port: 1701
            Destination Port: 1701
            Length: 61
            Checksum: 0x0054 [unverified]
            [Checksum Status: Unverified]
            [Stream index: 0]
            [Timestamps]
                [Time since first frame: 0.000000000 seconds]
                [Time since previous frame: 0.000000000 seconds]
            UDP payload (53 bytes)
        Layer 2 Tunneling Protocol
            Flags: 0xc802, Type: Control Message, Length Bit, Sequence Bit
                1... .... .... .... = Type: Control Message (1)
                .1.. .... .... .... = Length Bit: Length field is present
                .... 1... .... .... = Sequence Bit: Ns and Nr fields are present
                .... ..0. .... .... = Offset bit: Offset size field is not present
                .... ...0 .... .... = Priority: No priority
                .... .... .... 0010 = Version: 2
            Length: 53
            Tunnel ID: 0
            Session ID: 0
            Ns: 0
            Nr: 0
            Control Message AVP
                1... .... .... .... = Mandatory: True
                .0.. .... .... .... = Hidden: False
                .... ..00 0000 1000 = Length: 8
                Vendor ID: Reserved (0)
                AVP Type: Control Message (0)
                Message Type: Start_Control_Request (1)
            Protocol Version AVP
                1... .... .... .... = Mandatory: True
                .0.. .... .... .... = Hidden: False
                .... ..00 0000 1000 = Length: 8
                Vendor ID: Reserved (0)
                AVP Type: Protocol Version (2)
                Version: 1
                Revision: 0
            Host Name AVP
                1... .... .... .... = Mandatory: True
                .0.. .... .... .... = Hidden: False
                .... ..00 0001 0001 = Length: 17
                Vendor ID: Reserved (0)
                AVP Type: Host Name (7)
                Host Name: lns.example
            Assigned Tunnel ID AVP
                1... .... .... .... = Mandatory: True
                .0.. .... .... .... = Hidden: False
                .... ..00 0000 1000 = Length: 8
                Vendor ID: Reserved (0)
                AVP Type: Assigned Tunnel ID (9)
                Assigned Tunnel ID: 7

        Frame 2: 91 bytes on wire (728 bits), 91 bytes captured (728 bits)
            Encapsulation type: Ethernet (1)
            Arrival Time: Nov 14, 2023 22:13:21.001000000 UTC
            [Time shift for this packet: 0.000000000 seconds]
            Epoch Time: 1700000001.001000000 seconds
            [Time delta from previous captured frame: 1.001000000 seconds]
            [Time delta from previous displayed frame: 1.001000000 seconds]
            [Time since reference or first frame: 1.001000000 seconds]
            Frame Number: 2
            Frame Length: 91 bytes (728 bits)
            Capture Length: 91 bytes (728 bits)
            [Frame is marked: False]
            [Frame is ignored: False]
            [Protocols in frame: eth:ethertype:ip:udp:l2tp:ppp:lcp]
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
        Internet Protocol Version 4, Src: 10.0.0.2, Dst: 10.0.0.1
            0100 .... = Version: 4
            .... 0101 = Header Length: 20 bytes (5)
            Differentiated Services Field: 0x00 (DSCP: CS0, ECN: Not-ECT)
                0000 00.. = Differentiated Services Codepoint: Default (0)
                .... ..00 = Explicit Congestion Notification: Not ECN-Capable Transport (0)
            Total Length: 77
            Identification: 0x0001 (1)
            010. .... = Flags: 0x2, Don't fragment
                0... .... = Reserved bit: Not set
                .1.. .... = Don't fragment: Set
                ..0. .... = More fragments: Not set
            ...0 0000 0000 0000 = Fragment Offset: 0
            Time to Live: 64
            Protocol: UDP (17)
            Header Checksum: 0x269d [validation disabled]
            [Header checksum status: Unverified]
            Source Address: 10.0.0.2
            Destination Address: 10.0.0.1
        User Datagram Protocol, Src Port: 1701, Dst Port: 1701
            Source Port: 1701
            Destination Port: 1701
            Length: 57
            Checksum: 0xef7b [unverified]
            [Checksum Status: Unverified]
            [Stream index: 0]
            [Timestamps]
                [Time since first frame: 1.001000000 seconds]
                [Time since previous frame: 1.001000000 seconds]
            UDP payload (49 bytes)
        Layer 2 Tunneling Protocol
            Flags: 0x4b02, Type: Data Message, Length Bit, Sequence Bit, Offset bit, Priority
                0... .... .... .... = Type: Data Message (0)
                .1.. .... .... .... = Length Bit: Length field is present
                .... 1... .... .... = Sequence Bit: Ns and Nr fields are present
                .... ..1. .... .... = Offset bit: Offset Size field is present
                .... ...1 .... .... = Priority: This data message has priority
                .... .... .... 0010 = Version: 2
            Length: 49
            Tunnel ID: 5
            Session ID: 6
            Ns: 1
            Nr: 2
            Offset: 2
            Offset Padding
        Point-to-Point Protocol
            Address: 0xff
            Control: 0x03
            Protocol: Link Control Protocol (0xc021)
        PPP Link Control Protocol
            Code: Configuration Request (1)
            Identifier: 7 (0x07)
            Length: 29
            Options: (25 bytes), Maximum Receive Unit, Async Control Character Map, Authentication Protocol, Magic Number, Protocol Field Compression, Address and Control Field Compression
                Maximum Receive Unit: 1500
                    Type: Maximum Receive Unit (1)
                    Length: 4
                    Maximum Receive Unit: 1500
                Async Control Character Map: 0x00000000 (None)
                    Type: Async Control Character Map (2)
                    Length: 6
                    Async Control Character Map: 0x00000000 (None)
                        0... .... .... .... .... .... .... .... = US: False
                        .0.. .... .... .... .... .... .... .... = RS: False
                        ..0. .... .... .... .... .... .... .... = GS: False
                        ...0 .... .... .... .... .... .... .... = FS: False
                        .... 0... .... .... .... .... .... .... = ESC: False
                        .... .0.. .... .... .... .... .... .... = SUB: False
                        .... ..0. .... .... .... .... .... .... = EM: False
                        .... ...0 .... .... .... .... .... .... = CAN: False
                        .... .... 0... .... .... .... .... .... = ETB: False
                        .... .... .0.. .... .... .... .... .... = SYN: False
                        .... .... ..0. .... .... .... .... .... = NAK: False
                        .... .... ...0 .... .... .... .... .... = DC4: False
                        .... .... .... 0... .... .... .... .... = DC3 (XOFF): False
                        .... .... .... .0.. .... .... .... .... = DC2: False
                        .... .... .... ..0. .... .... .... .... = DC1 (XON): False
                        .... .... .... ...0 .... .... .... .... = DLE: False
                        .... .... .... .... 0... .... .... .... = SI: False
                        .... .... .... .... .0.. .... .... .... = SO: False
                        .... .... .... .... ..0. .... .... .... = CR: False
                        .... .... .... .... ...0 .... .... .... = FF: False
                        .... .... .... .... .... 0... .... .... = VT: False
                        .... .... .... .... .... .0.. .... .... = LF: False
                        .... .... .... .... .... ..0. .... .... = HT: False
                        .... .... .... .... .... ...0 .... .... = BS: False
                        .... .... .... .... .... .... 0... .... = BEL: False
                        .... .... .... .... .... .... .0.. .... = ACK: False
                        .... .... .... .... .... .... ..0. .... = ENQ: False
                        .... .... .... .... .... .... ...0 .... = EOT: False
                        .... .... .... .... .... .... .... 0... = ETX: False
                        .... .... .... .... .... .... .... .0.. = STX: False
                        .... .... .... .... .... .... .... ..0. = SOH: False
                        .... .... .... .... .... .... .... ...0 = NUL: False
                Authentication Protocol: Challenge Handshake Authentication Protocol (0xc223)
                    Type: Authentication Protocol (3)
                    Length: 5
                    Authentication Protocol: Challenge Handshake Authentication Protocol (0xc223)
                    Algorithm: CHAP with MD5 (5)
                Magic Number: 0x01020304
                    Type: Magic Number (5)
                    Length: 6
                    Magic Number: 0x01020304
                Protocol Field Compression
                    Type: Protocol Field Compression (7)
                    Length: 2
                Address and Control Field Compression
                    Type: Address and Control Field Compression (8)
                    Length: 2

        Frame 3: 64 bytes on wire (512 bits), 64 bytes captured (512 bits)
            Encapsulation type: Ethernet (1)
            Arrival Time: Nov 14, 2023 22:13:22.002000000 UTC
            [Time shift for this packet: 0.000000000 seconds]
            Epoch Time: 1700000002.002000000 seconds
            [Time delta from previous captured frame: 1.001000000 seconds]
            [Time delta from previous displayed frame: 1.001000000 seconds]
            [Time since reference or first frame: 2.002000000 seconds]
            Frame Number: 3
            Frame Length: 64 bytes (512 bits)
            Capture Length: 64 bytes (512 bits)
            [Frame is marked: False]
            [Frame is ignored: False]
            [Protocols in frame: eth:ethertype:ip:udp:l2tp:ppp:lcp]
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
        Internet Protocol Version 4, Src: 10.0.0.1, Dst: 10.0.0.2
            0100 .... = Version: 4
            .... 0101 = Header Length: 20 bytes (5)
            Differentiated Services Field: 0x00 (DSCP: CS0, ECN: Not-ECT)
                0000 00.. = Differentiated Services Codepoint: Default (0)
                .... ..00 = Explicit Congestion Notification: Not ECN-Capable Transport (0)
            Total Length: 50
            Identification: 0x0001 (1)
            010. .... = Flags: 0x2, Don't fragment
                0... .... = Reserved bit: Not set
                .1.. .... = Don't fragment: Set
                ..0. .... = More fragments: Not set
            ...0 0000 0000 0000 = Fragment Offset: 0
            Time to Live: 64
            Protocol: UDP (17)
            Header Checksum: 0x26b8 [validation disabled]
            [Header checksum status: Unverified]
            Source Address: 10.0.0.1
            Destination Address: 10.0.0.2
        User Datagram Protocol, Src Port: 1701, Dst Port: 1701
            Source Port: 1701
            Destination Port: 1701
            Length: 30
            Checksum: 0xb3ba [unverified]
            [Checksum Status: Unverified]
            [Stream index: 0]
            [Timestamps]
                [Time since first frame: 2.002000000 seconds]
                [Time since previous frame: 1.001000000 seconds]
            UDP payload (22 bytes)
        Layer 2 Tunneling Protocol
            Flags: 0x0002, Type: Data Message
                0... .... .... .... = Type: Data Message (0)
                .0.. .... .... .... = Length Bit: Length field is not present
                .... 0... .... .... = Sequence Bit: Ns and Nr fields are not present
                .... ..0. .... .... = Offset bit: Offset size field is not present
                .... ...0 .... .... = Priority: No priority
                .... .... .... 0010 = Version: 2
            Tunnel ID: 5
            Session ID: 6
        Point-to-Point Protocol
            Address: 0xff
            Control: 0x03
            Protocol: Link Control Protocol (0xc021)
        PPP Link Control Protocol
            Code: Echo Request (9)
            Identifier: 8 (0x08)
            Length: 12
            Magic Number: 0xdeadbeef
            Data: 61626364

        Frame 4: 56 bytes on wire (448 bits), 56 bytes captured (448 bits)
            Encapsulation type: Ethernet (1)
            Arrival Time: Nov 14, 2023 22:13:23.003000000 UTC
            [Time shift for this packet: 0.000000000 seconds]
            Epoch Time: 1700000003.003000000 seconds
            [Time delta from previous captured frame: 1.001000000 seconds]
            [Time delta from previous displayed frame: 1.001000000 seconds]
            [Time since reference or first frame: 3.003000000 seconds]
            Frame Number: 4
            Frame Length: 56 bytes (448 bits)
            Capture Length: 56 bytes (448 bits)
            [Frame is marked: False]
            [Frame is ignored: False]
            [Protocols in frame: eth:ethertype:ip:udp:l2tp:ppp:lcp]
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
        Internet Protocol Version 4, Src: 10.0.0.1, Dst: 10.0.0.2
            0100 .... = Version: 4
            .... 0101 = Header Length: 20 bytes (5)
            Differentiated Services Field: 0x00 (DSCP: CS0, ECN: Not-ECT)
                0000 00.. = Differentiated Services Codepoint: Default (0)
                .... ..00 = Explicit Congestion Notification: Not ECN-Capable Transport (0)
            Total Length: 42
            Identification: 0x0001 (1)
            010. .... = Flags: 0x2, Don't fragment
                0... .... = Reserved bit: Not set
                .1.. .... = Don't fragment: Set
                ..0. .... = More fragments: Not set
            ...0 0000 0000 0000 = Fragment Offset: 0
            Time to Live: 64
            Protocol: UDP (17)
            Header Checksum: 0x26c0 [validation disabled]
            [Header checksum status: Unverified]
            Source Address: 10.0.0.1
            Destination Address: 10.0.0.2
        User Datagram Protocol, Src Port: 1701, Dst Port: 1701
            Source Port: 1701
            Destination Port: 1701
            Length: 22
            Checksum: 0x1a36 [unverified]
            [Checksum Status: Unverified]
            [Stream index: 0]
            [Timestamps]
                [Time since first frame: 3.003000000 seconds]
                [Time since previous frame: 1.001000000 seconds]
            UDP payload (14 bytes)
        Layer 2 Tunneling Protocol
            Flags: 0x0002, Type: Data Message
                0... .... .... .... = Type: Data Message (0)
                .0.. .... .... .... = Length Bit: Length field is not present
                .... 0... .... .... = Sequence Bit: Ns and Nr fields are not present
                .... ..0. .... .... = Offset bit: Offset size field is not present
                .... ...0 .... .... = Priority: No priority
                .... .... .... 0010 = Version: 2
            Tunnel ID: 5
            Session ID: 6
        Point-to-Point Protocol
            Address: 0xff
            Control: 0x03
            Protocol: Link Control Protocol (0xc021)
        PPP Link Control Protocol
            Code: Termination Request (5)
            Identifier: 9 (0x09)
            Length: 4

        """.trimmingCharacters(in: .newlines))
    }
}
