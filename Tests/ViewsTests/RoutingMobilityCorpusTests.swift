import Foundation
import Testing
import Views

/// OSPF (versions 2 and 3), the IPv6 Mobility Header, DHCPv6 and GTP in public corpus captures, against
/// tshark 4.0.17's lines (`tshark -n -r FILE -V`, `tshark -n -r FILE`, `-T fields`), through
/// `CorpusTreeTests`' checks; and both cut short at every length, which must only stop
/// their trees early.
@Suite struct RoutingMobilityCorpusTests {
    static let trees: [CorpusTreeTests.Case] = [
        // A Hello with cryptographic authentication, its digest after the packet, and an LLS block.
        CorpusTreeTests.Case(file: "pcapng/tcpdump__OSPFv2_Capture_FINAL.pcapng", frame: 1, lines: #"""
Open Shortest Path First
    OSPF Header
        Version: 2
        Message Type: Hello Packet (1)
        Packet Length: 52
        Source OSPF Router: 192.168.255.15
        Area ID: 0.0.0.0 (Backbone)
        Checksum: 0x0000 (None)
        Auth Type: Cryptographic (2)
        Auth Crypt Key id: 1
        Auth Crypt Data Length: 16
        Auth Crypt Sequence Number: 1518551314
        Auth Crypt Data: 91b01c6bd6c7093c11861e76334ba858
    OSPF Hello Packet
        Network Mask: 255.255.255.0
        Hello Interval [sec]: 10
        Options: 0x12, (L) LLS Data block, (E) External Routing
            0... .... = DN: Not set
            .0.. .... = O: Not set
            ..0. .... = (DC) Demand Circuits: Not supported
            ...1 .... = (L) LLS Data block: Present
            .... 0... = (N) NSSA: Not supported
            .... .0.. = (MC) Multicast: Not capable
            .... ..1. = (E) External Routing: Capable
            .... ...0 = (MT) Multi-Topology Routing: No
        Router Priority: 1
        Router Dead Interval [sec]: 40
        Designated Router: 192.168.121.4
        Backup Designated Router: 192.168.121.5
        Active Neighbor: 192.168.255.11
        Active Neighbor: 192.168.255.14
    OSPF LLS Data Block
        Checksum: 0x0000
        LLS Data Length: 36 bytes
        Extended options TLV
            TLV Type: 1
            TLV Length: 4
            Options: 0x00000001, (LR) LSDB Resynchronization
                .... .... .... .... .... .... .... ..0. = (RS) Restart Signal: Not set
                .... .... .... .... .... .... .... ...1 = (LR) LSDB Resynchronization: Set
        Crypto Authentication TLV
            TLV Type: 2
            TLV Length: 20
            Sequence number: 0x5a834112
            Auth Data: 62a849db4649604c9fda6c0a9fdf2586
"""#),
        // An LS Update's router LSA: flags, each link with its %-8s/%-15s line.
        CorpusTreeTests.Case(file: "pcapng/tcpdump__OSPFv2_Capture_FINAL.pcapng", frame: 9, lines: #"""
        LSA-type 1 (Router-LSA), len 60
            .000 0001 0111 0110 = LS Age (seconds): 374
            0... .... .... .... = Do Not Age Flag: 0
            Options: 0x22, (DC) Demand Circuits, (E) External Routing
                0... .... = DN: Not set
                .0.. .... = O: Not set
                ..1. .... = (DC) Demand Circuits: Supported
                ...0 .... = (L) LLS Data block: Not Present
                .... 0... = (N) NSSA: Not supported
                .... .0.. = (MC) Multicast: Not capable
                .... ..1. = (E) External Routing: Capable
                .... ...0 = (MT) Multi-Topology Routing: No
            LS Type: Router-LSA (1)
            Link State ID: 192.168.255.11
            Advertising Router: 192.168.255.11
            Sequence Number: 0x800002d8
            Checksum: 0xce1e
            Length: 60
            Flags: 0x02, (E) AS boundary router
                0... .... = (H) flag: No
                ...0 .... = (N) flag: No
                .... 0... = (W) Wild-card multicast receiver: No
                .... .0.. = (V) Virtual link endpoint: No
                .... ..1. = (E) AS boundary router: Yes
                .... ...0 = (B) Area border router: No
            Number of Links: 3
            Type: Stub     ID: 192.168.255.11  Data: 255.255.255.255 Metric: 1
                Link ID: 192.168.255.11 - IP network/subnet number
                Link Data: 255.255.255.255
                Link Type: 3 - Connection to a stub network
                Number of Metrics: 0 - TOS
                0 Metric: 1
            Type: Stub     ID: 192.168.122.0   Data: 255.255.255.252 Metric: 12
                Link ID: 192.168.122.0 - IP network/subnet number
                Link Data: 255.255.255.252
                Link Type: 3 - Connection to a stub network
                Number of Metrics: 0 - TOS
                0 Metric: 12
            Type: Transit  ID: 192.168.121.4   Data: 192.168.121.42  Metric: 12
                Link ID: 192.168.121.4 - IP address of Designated Router
                Link Data: 192.168.121.42
                Link Type: 2 - Connection to a transit network
                Number of Metrics: 0 - TOS
                0 Metric: 12
        LSA-type 1 (Router-LSA), len 48
            .000 0010 1101 0110 = LS Age (seconds): 726
            0... .... .... .... = Do Not Age Flag: 0
            Options: 0x22, (DC) Demand Circuits, (E) External Routing
"""#),
        // An LS Acknowledge: LSA headers only.
        CorpusTreeTests.Case(file: "pcapng/tcpdump__OSPFv2_Capture_FINAL.pcapng", frame: 25, lines: #"""
Open Shortest Path First
    OSPF Header
        Version: 2
        Message Type: LS Acknowledge (5)
        Packet Length: 264
        Source OSPF Router: 192.168.255.11
        Area ID: 0.0.0.0 (Backbone)
        Checksum: 0x0000 (None)
        Auth Type: Cryptographic (2)
        Auth Crypt Key id: 1
        Auth Crypt Data Length: 16
        Auth Crypt Sequence Number: 1518551361
        Auth Crypt Data: 762ea6041b3e8d2d1080f522d0daa244
    LSA-type 1 (Router-LSA), len 60
        .000 0001 0111 0110 = LS Age (seconds): 374
        0... .... .... .... = Do Not Age Flag: 0
        Options: 0x22, (DC) Demand Circuits, (E) External Routing
            0... .... = DN: Not set
            .0.. .... = O: Not set
            ..1. .... = (DC) Demand Circuits: Supported
            ...0 .... = (L) LLS Data block: Not Present
            .... 0... = (N) NSSA: Not supported
            .... .0.. = (MC) Multicast: Not capable
            .... ..1. = (E) External Routing: Capable
            .... ...0 = (MT) Multi-Topology Routing: No
        LS Type: Router-LSA (1)
        Link State ID: 192.168.255.11
        Advertising Router: 192.168.255.11
        Sequence Number: 0x800002d8
        Checksum: 0xce1e
        Length: 60
    LSA-type 1 (Router-LSA), len 48
        .000 0010 1101 0110 = LS Age (seconds): 726
        0... .... .... .... = Do Not Age Flag: 0
        Options: 0x22, (DC) Demand Circuits, (E) External Routing
            0... .... = DN: Not set
            .0.. .... = O: Not set
            ..1. .... = (DC) Demand Circuits: Supported
            ...0 .... = (L) LLS Data block: Not Present
            .... 0... = (N) NSSA: Not supported
"""#),
        // A traffic engineering opaque LSA (RFC 3630/4203 sub-TLVs, bandwidths as %.10g), checksum verified.
        CorpusTreeTests.Case(file: "pcap/tcpdump__ospf-gmpls.pcap", frame: 3, lines: #"""
Open Shortest Path First
    OSPF Header
        Version: 2
        Message Type: LS Update (4)
        Packet Length: 192
        Source OSPF Router: 10.255.245.35
        Area ID: 0.0.0.0 (Backbone)
        Checksum: 0xda37 [correct]
        Auth Type: Null (0)
        Auth Data (none): 0000000000000000
    LS Update Packet
        Number of LSAs: 1
        LSA-type 10 (Opaque LSA, Area-local scope), len 164
            .000 0000 0000 0011 = LS Age (seconds): 3
            0... .... .... .... = Do Not Age Flag: 0
            Options: 0x02, (E) External Routing
                0... .... = DN: Not set
                .0.. .... = O: Not set
                ..0. .... = (DC) Demand Circuits: Not supported
                ...0 .... = (L) LLS Data block: Not Present
                .... 0... = (N) NSSA: Not supported
                .... .0.. = (MC) Multicast: Not capable
                .... ..1. = (E) External Routing: Capable
                .... ...0 = (MT) Multi-Topology Routing: No
            LS Type: Opaque LSA, Area-local scope (10)
            Link State ID Opaque Type: Traffic Engineering LSA (1)
            Link State ID TE-LSA Reserved: 0
            Link State ID TE-LSA Instance: 3
            Advertising Router: 10.255.245.35
            Sequence Number: 0x80000003
            Checksum: 0x2104
            Length: 164
            MPLS Traffic Engineering LSA
                Link Information
                    TLV Type: 2 - Link Information
                    TLV Length: 140
                    Link Type: 1 - Point-to-point
                        TLV Type: 1: Link Type
                        TLV Length: 1
                        MPLS/TE Link Type: Point-to-point (1)
                    Link ID: 10.255.245.40
                        TLV Type: 2: Link ID
                        TLV Length: 4
                        MPLS/TE Link ID: 10.255.245.40
                    Local Interface IP Address: 10.40.35.14
                        TLV Type: 3: Local Interface IP Address
                        TLV Length: 4
                        MPLS/TE Local Interface Address: 10.40.35.14
                    Remote Interface IP Address: 10.40.35.13
                        TLV Type: 4: Remote Interface IP Address
                        TLV Length: 4
                        MPLS/TE Remote Interface Address: 10.40.35.13
                    Traffic Engineering Metric: 1
                        TLV Type: 5: Traffic Engineering Metric
                        TLV Length: 4
                        Traffic Engineering Metric: 1
                    Maximum Bandwidth: 12500000 bytes/s (100000000 bits/s)
                        TLV Type: 6: Maximum Bandwidth
                        TLV Length: 4
                        Maximum Bandwidth: 12500000 bytes/s (100000000 bits/s)
                    Maximum Reservable Bandwidth: 12500000 bytes/s (100000000 bits/s)
                        TLV Type: 7: Maximum Reservable Bandwidth
                        TLV Length: 4
                        Maximum Reservable Bandwidth: 12500000 bytes/s (100000000 bits/s)
                    Unreserved Bandwidth
                        TLV Type: 8: Unreserved Bandwidth
                        TLV Length: 32
                        Pri (or TE-Class) 0: 0 bytes/s (0 bits/s)
                        Pri (or TE-Class) 1: 0 bytes/s (0 bits/s)
                        Pri (or TE-Class) 2: 0 bytes/s (0 bits/s)
                        Pri (or TE-Class) 3: 0 bytes/s (0 bits/s)
                        Pri (or TE-Class) 4: 0 bytes/s (0 bits/s)
                        Pri (or TE-Class) 5: 0 bytes/s (0 bits/s)
                        Pri (or TE-Class) 6: 0 bytes/s (0 bits/s)
                        Pri (or TE-Class) 7: 0 bytes/s (0 bits/s)
                    Interface Switching Capability Descriptor
                        TLV Type: 15: Interface Switching Capability Descriptor
                        TLV Length: 44
                        Switching Type: Packet-Switch Capable-1 (PSC-1) (1)
                        Encoding: Ethernet (2)
                        Pri 0: 0 bytes/s (0 bits/s)
                        Pri 1: 0 bytes/s (0 bits/s)
                        Pri 2: 0 bytes/s (0 bits/s)
                        Pri 3: 0 bytes/s (0 bits/s)
                        Pri 4: 0 bytes/s (0 bits/s)
                        Pri 5: 0 bytes/s (0 bits/s)
                        Pri 6: 0 bytes/s (0 bits/s)
                        Pri 7: 0 bytes/s (0 bits/s)
                        Minimum LSP bandwidth: 12500000 bytes/s (100000000 bits/s)
                        Interface MTU: 2600
"""#),
        // OSPFv3: the pseudo-header checksum tshark finds incorrect (it sums the trailer too), the authentication trailer.
        CorpusTreeTests.Case(file: "pcapng/tcpdump__ospf3_auth.pcapng", frame: 1, lines: #"""
Open Shortest Path First
    OSPF Header
        Version: 3
        Message Type: Hello Packet (1)
        Packet Length: 40
        Source OSPF Router: 10.10.10.2
        Area ID: 0.0.0.0 (Backbone)
        Checksum: 0x07d2 [incorrect, should be 0x0802]
        Instance ID: IPv6 unicast AF (0)
        Reserved: 00
    OSPF Hello Packet
        Interface ID: 2
        Router Priority: 1
        Options: 0x000413, AT, R, E, V6
            .... .... .... .1.. .... .... = AT: Set
            .... .... .... ..0. .... .... = L: Not set
            .... .... .... ...0 .... .... = AF: Not set
            .... .... .... .... ..0. .... = DC: Not set
            .... .... .... .... ...1 .... = R: Set
            .... .... .... .... .... 0... = N: Not set
            .... .... .... .... .... .0.. = MC: Not set
            .... .... .... .... .... ..1. = E: Set
            .... .... .... .... .... ...1 = V6: Set
        Hello Interval [sec]: 10
        Router Dead Interval [sec]: 40
        Designated Router: 10.10.10.1
        Backup Designated Router: 10.10.10.2
        Active Neighbor: 10.10.10.1
    OSPF Authentication Trailer
        Authentication Type: HMAC Cryptographic Authentication (1)
        Authentication Data Length: 48
        Reserved: 0x0000
        Security Association Identifier (SA ID): 0x0001
        Cryptographic Sequence Number: 1390038542
        Authentication Data: ca4d7d5869a5da3c2a690edaa7329bee9d7f448c9f31fbe4a0e9b39c6da6cca1
"""#),
        // A binding update inside IPv6's tree, with four mobility options.
        CorpusTreeTests.Case(file: "pcap/tcpdump__ipv6_mobility_1.pcap", frame: 10, lines: #"""
    Mobile IPv6
        Payload protocol: No Next Header for IPv6 (59)
        Header length: 6 (56 bytes)
        Mobility Header Type: Binding Update (5)
        Reserved: 0x00
        Checksum: 0x0000
        Binding Update
            Sequence number: 1000
            1... .... .... .... = Acknowledge (A) flag: Binding Acknowledgement requested
            .0.. .... .... .... = Home Registration (H) flag: No Home Registration
            ..0. .... .... .... = Link-Local Compatibility (L) flag: No Link-Local Address Compatibility
            ...0 .... .... .... = Key Management Compatibility (K) flag: No Key Management Mobility Compatibility
            .... 0... .... .... = MAP Registration Compatibility (M) flag: No MAP Registration Compatibility
            .... .0.. .... .... = Mobile Router (R) flag: No Mobile Router Compatibility
            .... ..0. .... .... = Proxy Registration (P) flag: No Proxy Registration
            .... ...0 .... .... = Forcing UDP encapsulation (F) flag: No Forcing UDP encapsulation
            .... .... 0... .... = TLV-header format (T) flag: No TLV-header format
            .... .... .0.. .... = Bulk-Binding-Update flag (B): Disable bulk binding update support
            Lifetime: 3600 (14400 seconds)
        Mobility Options
            MIPv6 Option - Alternate Care-of Address
                Length: 16
                Alternate care-of address: 2001:660:4701:f004:20d:54ff:fe98:bc93
            MIPv6 Option - Nonce Indices
                Length: 4
                Home nonce index: 1234
                Care-of nonce index: 5678
            MIPv6 Option - Authorization Data
                Length: 12
                Authenticator: 8101738d517d516940ec0611
            MIPv6 Option - PadN
                Length: 4
                PadN: 00000000
"""#),
        // Home Test.
        CorpusTreeTests.Case(file: "pcap/tcpdump__ipv6_mobility_1.pcap", frame: 4, lines: #"""
    Mobile IPv6
        Payload protocol: No Next Header for IPv6 (59)
        Header length: 2 (24 bytes)
        Mobility Header Type: Home Test (3)
        Reserved: 0x00
        Checksum: 0x0000
        Home Test
            Home Nonce Index: 2314
            Home Init Cookie: 0x0b0c0d0e0f1004d2
            Home Keygen Token: 0x1112131415161718
"""#),
        // Next header 62 ("Mobile IPv6 (old)"): a header the snaplen cut.
        CorpusTreeTests.Case(file: "malformed/tcpdump__ipv6-mobility-header-oobr.pcap", frame: 1, lines: #"""
Mobile IPv6
    Payload protocol: Dynamic source routing (48)
    Header length: 48 (392 bytes)
    Mobility Header Type: Binding Acknowledgement (6)
    Reserved: 0x30
    Checksum: 0x3030
[Packet size limited during capture: MIPv6 truncated]
"""#),
        // DHCPv6: an identity association with its address, DUIDs of two types (a DUID-LLT's time counts from 2000).
        CorpusTreeTests.Case(file: "pcap/tcpdump__dhcpv6-ia-na.pcap", frame: 2, lines: #"""
DHCPv6
    Message type: Advertise (2)
    Transaction ID: 0x90b45c
    Identity Association for Non-temporary Address
        Option: Identity Association for Non-temporary Address (3)
        Length: 40
        IAID: 02030405
        T1: 3600
        T2: 5400
        IA Address
            Option: IA Address (5)
            Length: 24
            IPv6 address: 2a00:1:1:200:38e6:b22e:c440:acdf
            Preferred lifetime: 4500
            Valid lifetime: 7200
    Client Identifier
        Option: Client Identifier (1)
        Length: 10
        DUID: 00030001000102030405
        DUID Type: link-layer address (3)
        Hardware type: Ethernet (1)
        Link-layer address: 00:01:02:03:04:05
    Server Identifier
        Option: Server Identifier (2)
        Length: 14
        DUID: 000100011846488c001122334455
        DUID Type: link-layer address plus time (1)
        Hardware type: Ethernet (1)
        DUID Time: Nov 26, 2012 15:34:36.000000000 UTC
        Link-layer address: 00:11:22:33:44:55
"""#),
        // A UUID DUID and a repeated option request.
        CorpusTreeTests.Case(file: "pcapng/rusticata__wireshark_samples-test.pcapng", frame: 243, lines: #"""
DHCPv6
    Message type: Information-request (11)
    Transaction ID: 0x20b89d
    Client Identifier
        Option: Client Identifier (1)
        Length: 18
        DUID: 00041ed562502373bf2c996b483a98488e9e
        DUID Type: Universally Unique IDentifier (UUID) (4)
        UUID: 1ed562502373bf2c996b483a98488e9e
    Option Request
        Option: Option Request (6)
        Length: 10
        Requested Option code: DNS recursive name server (23)
        Requested Option code: Domain Search List (24)
        Requested Option code: DNS recursive name server (23)
        Requested Option code: Domain Search List (24)
        Requested Option code: Client Identifier (1)
    Elapsed time
        Option: Elapsed time (8)
        Length: 2
        Elapsed time: 0ms
"""#),
        // Unknown option codes: "DHCP option N", and the walk stops at an option that does not fit.
        CorpusTreeTests.Case(file: "pcap/tcpdump__ip6-snmp-oid-unsigned.pcap", frame: 1, lines: #"""
DHCPv6
    Message type: Rebind (6)
    Transaction ID: 0x603301
    DHCP option 32867
        Option: Unknown (32867)
        Length: 0
    DHCP option 0
        Option: Unknown (0)
        Length: 0
"""#),
        // GTPv1-C: the flags bit by bit, TEID and sequence number as hex and decimal.
        CorpusTreeTests.Case(file: "pcapng/zeek__tunnels_gtp_pdp_ctx_messages.pcapng", frame: 5, lines: #"""
GPRS Tunneling Protocol
    Flags: 0x32
        001. .... = Version: GTP release 99 version (1)
        ...1 .... = Protocol type: GTP (1)
        .... 0... = Reserved: 0
        .... .0.. = Is Next Extension Header present?: No
        .... ..1. = Is Sequence Number present?: Yes
        .... ...0 = Is N-PDU number present?: No
    Message Type: Echo request (0x01)
    Length: 4
    TEID: 0x00000000 (0)
"""#),
        // A GTPv0 T-PDU: the TID in TBCD, then the IP packet it carries.
        CorpusTreeTests.Case(file: "pcapng/zeek__tunnels_gtp_pdp_ctx_messages.pcapng", frame: 13, lines: #"""
GPRS Tunneling Protocol
    Flags: 0x1e
        000. .... = Version: GTP release 97/98 version (0)
        ...1 .... = Protocol type: GTP (1)
        .... 111. = Reserved: 7
        .... ...0 = Is SNDCP N-PDU included?: No
    Message Type: T-PDU (0xff)
    Length: 84
    Sequence number: 0x0000 (0)
    Flow label: 0x0001
    SNDCP N-PDU LLC Number: 0xff
    TID: 2400101234567890
Internet Protocol Version 4, Src: 192.168.0.3, Dst: 209.85.227.104
"""#),
    ]

    static let summaries: [CorpusTreeTests.SummaryCase] = [
        CorpusTreeTests.SummaryCase(file: "pcapng/tcpdump__OSPFv2_Capture_FINAL.pcapng", frame: 1, line: "    1   0.000000 192.168.121.5 → 224.0.0.5    OSPF 142 Hello Packet"),
        CorpusTreeTests.SummaryCase(file: "pcapng/tcpdump__OSPFv2_Capture_FINAL.pcapng", frame: 7, line: "    7   3.697232 192.168.121.42 → 192.168.121.4 OSPF 198 LS Request"),
        CorpusTreeTests.SummaryCase(file: "pcapng/tcpdump__OSPFv2_Capture_FINAL.pcapng", frame: 24, line: "   24   6.224404 192.168.121.5 → 224.0.0.5    OSPF 198 LS Acknowledge"),
        CorpusTreeTests.SummaryCase(file: "pcap/tcpdump__ospf-gmpls.pcap", frame: 1, line: "    1   0.000000    40.35.1.2 → 224.0.0.5    OSPF 176 LS Update"),
        CorpusTreeTests.SummaryCase(file: "pcapng/tcpdump__ospf3_auth.pcapng", frame: 1, line: "    1   0.000000 fe80::20c:29ff:fe9e:c1b2 → ff02::5      OSPF 142 Hello Packet"),
        CorpusTreeTests.SummaryCase(file: "pcap/tcpdump__ipv6_mobility_1.pcap", frame: 1, line: "    1   0.000000  2001:db8::1 → 2001:db8::2  MIPv6 48 Binding Refresh Request"),
        CorpusTreeTests.SummaryCase(file: "pcap/tcpdump__ipv6_mobility_1.pcap", frame: 15, line: "   15   0.018688  2001:db8::1 → 2001:db8::2  MIPv6 64 Binding Error"),
        CorpusTreeTests.SummaryCase(file: "pcap/zeek__chksums_mip6-good-mh-chksum.pcap", frame: 1, line: "    1   0.000000 2001:4f8:4:7:2e0:81ff:fe52:ffff → 2001:4f8:4:7:2e0:81ff:fe52:9a6b MIPv6 78 Binding Error"),
        CorpusTreeTests.SummaryCase(file: "malformed/tcpdump__ipv6-mobility-header-oobr.pcap", frame: 1, line: "    1   0.000000 3030:3030:3030:3030:3030:3030:3030:3030 → 3030:3030:3030:3030:3030:3030:3030:3030 MIPv6 262144 Binding Acknowledgement[Packet size limited during capture]"),
        CorpusTreeTests.SummaryCase(file: "pcap/tcpdump__dhcpv6-ia-na.pcap", frame: 1, line: "    1   0.000000 fe80::201:2ff:fe03:405 → ff02::1:2    DHCPv6 110 Solicit XID: 0x90b45c CID: 00030001000102030405 "),
        CorpusTreeTests.SummaryCase(file: "pcap/tcpdump__dhcpv6-ia-na.pcap", frame: 3, line: "    3   1.039933 fe80::201:2ff:fe03:405 → ff02::1:2    DHCPv6 156 Request XID: 0x2ffdd1 CID: 00030001000102030405 IAA: 2a00:1:1:200:38e6:b22e:c440:acdf "),
        CorpusTreeTests.SummaryCase(file: "pcapng/rusticata__wireshark_samples-test.pcapng", frame: 243, line: "  243 37.328987670 fe80::d6ae:52ff:fed3:7726 → ff02::1:2    DHCPv6 108 Information-request XID: 0x20b89d CID: 00041ed562502373bf2c996b483a98488e9e "),
        CorpusTreeTests.SummaryCase(file: "pcap/tcpdump__ip6-snmp-oid-unsigned.pcap", frame: 1, line: "    1   0.000000 fe80::20c:29ff:fe9b:a15d → fe80::20c:0:0:0 DHCPv6 169 Rebind XID: 0x603301 "),
        CorpusTreeTests.SummaryCase(file: "pcapng/zeek__tunnels_gtp_pdp_ctx_messages.pcapng", frame: 5, line: "    5 6948325.129446    127.0.0.2 → 127.0.0.1    GTP 54 Echo request"),
        CorpusTreeTests.SummaryCase(file: "pcapng/zeek__tunnels_gtp_pdp_ctx_messages.pcapng", frame: 9, line: "    9 6948878.256128    127.0.0.2 → 127.0.0.1    GTP 141 Create PDP context request"),
        CorpusTreeTests.SummaryCase(file: "pcapng/zeek__tunnels_gtp_pdp_ctx_messages.pcapng", frame: 13, line: "   13 6949598.393577  192.168.0.3 → 209.85.227.104 GTP <ICMP> 146 Echo (ping) request  id=0x0000, seq=0/0, ttl=64"),
        CorpusTreeTests.SummaryCase(file: "pcapng/zeek__tunnels_gtp_pdp_ctx_messages.pcapng", frame: 14, line: "   14 6949598.403811  192.168.0.1 → 192.168.0.3  GTP <ICMP> 174 Destination unreachable (Host administratively prohibited)"),
    ]

    static let fields: [CorpusTreeTests.FieldCase] = [
        // Hidden message and LSA flags, repeated link IDs, AS-external route tags.
        CorpusTreeTests.FieldCase(file: "pcapng/tcpdump__OSPFv2_Capture_FINAL.pcapng", frame: 9, values: [
            "ospf.msg.lsupdate": ["1"], "ospf.ls.number_of_lsas": ["10"],
            "ospf.lsa.router.linkid": ["192.168.255.11", "192.168.122.0", "192.168.121.4", "192.168.121.4", "192.168.120.0",
                                       "192.168.120.0", "192.168.121.4"],
            "ospf.lsa.asext.extrttag": ["4", "4", "0", "0", "0", "0"],
            "ospf.lsa.network.attchrtr": ["192.168.255.14", "192.168.255.15"],
        ]),
        CorpusTreeTests.FieldCase(file: "pcapng/tcpdump__OSPFv2_Capture_FINAL.pcapng", frame: 1, values: [
            "ospf.v2.options": ["0x12"], "ospf.v2.options.l": ["1"], "ospf.lls.ext.options.lr": ["1"],
            "ospf.auth.crypt.data": ["91b01c6bd6c7093c11861e76334ba858"],
            "ospf.hello.active_neighbor": ["192.168.255.11", "192.168.255.14"],
        ]),
        // FT_FLOAT as tshark writes it (%g), the hidden MPLS flag, a verified checksum.
        CorpusTreeTests.FieldCase(file: "pcap/tcpdump__ospf-gmpls.pcap", frame: 1, values: [
            "ospf.mpls.link_max_bw": ["7.776e+07", "7.776e+07"], "ospf.mpls.linkcolor": ["0x00000000"],
            "ospf.lsa.mpls": ["1"], "ospf.checksum": ["0xa98a"],
        ]),
        CorpusTreeTests.FieldCase(file: "pcap/tcpdump__ipv6_mobility_1.pcap", frame: 10, values: [
            "mip6.mhtype": ["5"], "mip6.bu.a_flag": ["1"], "mip6.bu.lifetime": ["3600"],
            "mip6.acoa.acoa": ["2001:660:4701:f004:20d:54ff:fe98:bc93"], "mip6.ni.hni": ["1234"],
            "mip6.options.padn": ["010400000000"],
        ]),
        // A tunnelled packet's addresses: the outer one first, as tshark lists them.
        CorpusTreeTests.FieldCase(file: "pcapng/zeek__tunnels_gtp_pdp_ctx_messages.pcapng", frame: 13, values: [
            "ip.src": ["127.0.0.2", "192.168.0.3"], "gtp.tid": ["2400101234567890"], "gtp.message": ["0xff"], "udp.srcport": ["3386"],
        ]),
    ]

    @Test(arguments: trees)
    func treeHasTsharksLines(_ c: CorpusTreeTests.Case) throws {
        try CorpusTreeTests().treeHasTsharksLines(c)
    }

    @Test(arguments: summaries)
    func summaryIsTsharks(_ c: CorpusTreeTests.SummaryCase) throws {
        try CorpusTreeTests().summaryIsTsharks(c)
    }

    @Test(arguments: fields)
    func fieldsAreTsharks(_ c: CorpusTreeTests.FieldCase) throws {
        try CorpusTreeTests().fieldsAreTsharks(c)
    }

    /// An OSPFv2 Hello with cryptographic authentication and an LLS block (frame 1 of
    /// tcpdump's OSPFv2_Capture_FINAL), and a binding update with four mobility options
    /// over Ethernet: every prefix of each, as frames of one capture.
    static let ospfHello = "01005e0000050025456017c1080045c0007cbf1d00000159df98c0a87905e000000502010034c0a8ff0f0000000000000002000001105a834112ffffff00000a120100000028c0a87904c0a87905c0a8ff0bc0a8ff0e91b01c6bd6c7093c11861e76334ba858000000090001000400000001000200145a83411262a849db4649604c9fda6c0a9fdf2586022a42ea"
    static let bindingUpdate = "0011223344550066778899aa86dd600000000038874020010db800000000000000000000000120010db80000000000000000000000023b060500000003e880000e100310200106604701f004020d54fffe98bc93040404d2162e050c8101738d517d516940ec0611010400000000"

    @Test(arguments: [("ospf", ospfHello, "OSPF"), ("mip6", bindingUpdate, "MIPv6")])
    func everyCutStopsTheTreeEarly(_ name: String, _ hex: String, _ protocolName: String) throws {
        let whole = hex.count / 2
        let cuts = (15...whole).map { (UInt32(1), UInt32($0), String(hex.prefix($0 * 2))) }
        let path = try ModbusEAPVectorTests.capture(cuts, name: "cut-" + name)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = ModbusEAPVectorTests.summary(path).split(separator: "\n")
        #expect(lines.count == cuts.count)
        // The whole frame decodes as the protocol; every prefix renders a tree without trapping.
        #expect(lines.last?.contains(" \(protocolName) ") == true)
        for frame in stride(from: 1, through: cuts.count, by: 7) {
            #expect(!ModbusEAPVectorTests.verbose(path, frame: frame).isEmpty)
        }
    }

    /// A relay-forward carrying a Solicit (Ethernet, IPv6, UDP 547 → 547), built here; tshark
    /// 4.0.17's summary line and tree for it, as `tshark -n -r` and `-V` print them.
    static let relayForward = "0011223344550066778899aa86dd600000000094114020010db800010000000000000000000120010db800000000000000000000000202230223009400000c0020010db8000100000000000000000001fe80000000000000000000000000000100120004657468300009004401abcdef0001000a000300010001020304050008000200050003002800000001ffffffff000000000005001820010db8000000000000000000000005ffffffffffffffff000d000200000017001020010db8000000000000000000000053"

    @Test func relayedMessageIsNestedAsTsharks() throws {
        let path = try ModbusEAPVectorTests.capture([(1, 0, Self.relayForward)], name: "dhcpv6-relay")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(ModbusEAPVectorTests.summary(path) == "    1   0.000000 2001:db8:1::1 → 2001:db8::2  DHCPv6 202 Relay-forw L: 2001:db8:1::1 Solicit XID: 0xabcdef CID: 00030001000102030405 IAA: 2001:db8::5 \n")
        let tree = ModbusEAPVectorTests.verbose(path, frame: 1)
        let wanted = #"""
DHCPv6
    Message type: Relay-forw (12)
    Hopcount: 0
    Link address: 2001:db8:1::1
    Peer address: fe80::1
    Interface-Id
        Option: Interface-Id (18)
        Length: 4
        Interface-ID: 65746830
    Relay Message
        Option: Relay Message (9)
        Length: 68
        DHCPv6
            Message type: Solicit (1)
            Transaction ID: 0xabcdef
            Client Identifier
                Option: Client Identifier (1)
                Length: 10
                DUID: 00030001000102030405
                DUID Type: link-layer address (3)
                Hardware type: Ethernet (1)
                Link-layer address: 00:01:02:03:04:05
            Elapsed time
                Option: Elapsed time (8)
                Length: 2
                Elapsed time: 50ms
            Identity Association for Non-temporary Address
                Option: Identity Association for Non-temporary Address (3)
                Length: 40
                IAID: 00000001
                T1: infinity
                T2: 0
                IA Address
                    Option: IA Address (5)
                    Length: 24
                    IPv6 address: 2001:db8::5
                    Preferred lifetime: infinity
                    Preferred lifetime: infinity
    Status code
        Option: Status code (13)
        Length: 2
        Status Code: Success (0)
    DNS recursive name server
        Option: DNS recursive name server (23)
        Length: 16
         1 DNS server address: 2001:db8::53
"""#
        #expect(tree.contains(wanted), "\(tree)")
    }
}
