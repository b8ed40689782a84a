import Testing
import Views

/// Link layers, ICMP and DNS records of public corpus captures against tshark 4.0's lines
/// (`tshark -n -r FILE -V` and `tshark -n -r FILE`), through `CorpusTreeTests`' checks:
/// NFLOG, 802.3/LLC with the spanning tree, extended echo, SOA, the MPTCP and undecoded
/// EtherType protocol columns, the ICMP and TCP Info texts tshark writes, and TCP's
/// reserved bits, a new ISN after a RST and a nonzero acknowledgment field without ACK.
@Suite struct LinkCorpusTests {
    static let trees: [CorpusTreeTests.Case] = [
        // NFLOG: each TLV with its length and type, the packet header's EtherType and hook, a timestamp.
        CorpusTreeTests.Case(file: "pcap/tcpdump__nflog.pcap", frame: 1, lines: #"""
Linux Netfilter NFLOG
    Family: IPv4 (2)
    Version: 0
    Resource id: 20
    TLV Type: NFULA_PACKET_HDR (1), Length: 8
        Length: 8
        .000 0000 0000 0001 = Type: NFULA_PACKET_HDR (1)
        HW protocol: IPv4 (0x0800)
        Netfilter hook: Local in (1)
    TLV Type: NFULA_PREFIX (10), Length: 5
        Length: 5
        .000 0000 0000 1010 = Type: NFULA_PREFIX (10)
        Prefix: 
    TLV Type: NFULA_IFINDEX_INDEV (4), Length: 8
        Length: 8
        .000 0000 0000 0100 = Type: NFULA_IFINDEX_INDEV (4)
        IFINDEX_INDEV: 2
    TLV Type: NFULA_HWADDR (8), Length: 16
        Length: 16
        .000 0000 0000 1000 = Type: NFULA_HWADDR (8)
        Value: 0006ffffb8a386b9c3d60000
    TLV Type: NFULA_HWTYPE (15), Length: 6
        Length: 6
        .000 0000 0000 1111 = Type: NFULA_HWTYPE (15)
        Value: 0001
    TLV Type: NFULA_HWLEN (17), Length: 6
        Length: 6
        .000 0000 0001 0001 = Type: NFULA_HWLEN (17)
        Value: 000e
    TLV Type: NFULA_HWHEADER (16), Length: 18
        Length: 18
        .000 0000 0001 0000 = Type: NFULA_HWHEADER (16)
        Value: 0811961c10c8b8a386b9c3d60800
    TLV Type: NFULA_TIMESTAMP (3), Length: 20
        Length: 20
        .000 0000 0000 0011 = Type: NFULA_TIMESTAMP (3)
        Timestamp: Sep  6, 2013 18:31:58.614652000 UTC
    TLV Type: NFULA_PAYLOAD (9), Length: 77
        Length: 77
        .000 0000 0000 1001 = Type: NFULA_PAYLOAD (9)
Internet Protocol Version 4, Src: 74.82.42.42, Dst: 10.0.0.20
"""#),
        // IEEE 802.3 with its length and padding, LLC's SAPs and U-frame control, a rapid spanning tree BPDU's flags.
        CorpusTreeTests.Case(file: "pcap/zeek__wikipedia.pcap", frame: 4, lines: #"""
IEEE 802.3 Ethernet 
    Destination: 01:80:c2:00:00:00
        Address: 01:80:c2:00:00:00
        .... ..0. .... .... .... .... = LG bit: Globally unique address (factory default)
        .... ...1 .... .... .... .... = IG bit: Group address (multicast/broadcast)
    Source: 00:13:7f:4f:8e:f2
        Address: 00:13:7f:4f:8e:f2
        .... ..0. .... .... .... .... = LG bit: Globally unique address (factory default)
        .... ...0 .... .... .... .... = IG bit: Individual address (unicast)
    Length: 39
    Padding: 00000000000000
Logical-Link Control
    DSAP: Spanning Tree BPDU (0x42)
        0100 001. = SAP: Spanning Tree BPDU
        .... ...0 = IG Bit: Individual
    SSAP: Spanning Tree BPDU (0x42)
        0100 001. = SAP: Spanning Tree BPDU
        .... ...0 = CR Bit: Command
    Control field: U, func=UI (0x03)
        000. 00.. = Command: Unnumbered Information (0x00)
        .... ..11 = Frame type: Unnumbered frame (0x3)
Spanning Tree Protocol
    Protocol Identifier: Spanning Tree Protocol (0x0000)
    Protocol Version Identifier: Rapid Spanning Tree (2)
    BPDU Type: Rapid/Multiple Spanning Tree (0x02)
    BPDU flags: 0x3c, Forwarding, Learning, Port Role: Designated
        0... .... = Topology Change Acknowledgment: No
        .0.. .... = Agreement: No
        ..1. .... = Forwarding: Yes
        ...1 .... = Learning: Yes
        .... 11.. = Port Role: Designated (3)
        .... ..0. = Proposal: No
        .... ...0 = Topology Change: No
    Root Identifier: 32768 / 720 / 00:13:7f:be:8c:c0
        Root Bridge Priority: 32768
        Root Bridge System ID Extension: 720
        Root Bridge System ID: 00:13:7f:be:8c:c0
    Root Path Cost: 0
    Bridge Identifier: 32768 / 720 / 00:13:7f:be:8c:c0
        Bridge Priority: 32768
        Bridge System ID Extension: 720
        Bridge System ID: 00:13:7f:be:8c:c0
    Port identifier: 0x8193
    Message Age: 0
    Max Age: 20
    Hello Time: 2
    Forward Delay: 15
    Version 1 Length: 0
"""#),
        // A configuration BPDU: only its two flags.
        CorpusTreeTests.Case(file: "pcap/zeek__raw_packets.pcap", frame: 3, lines: #"""
Spanning Tree Protocol
    Protocol Identifier: Spanning Tree Protocol (0x0000)
    Protocol Version Identifier: Spanning Tree (0)
    BPDU Type: Configuration (0x00)
    BPDU flags: 0x00
        0... .... = Topology Change Acknowledgment: No
        .... ...0 = Topology Change: No
    Root Identifier: 32768 / 0 / e8:de:27:ff:c0:78
        Root Bridge Priority: 32768
        Root Bridge System ID Extension: 0
        Root Bridge System ID: e8:de:27:ff:c0:78
    Root Path Cost: 0
    Bridge Identifier: 32768 / 0 / e8:de:27:ff:c0:78
        Bridge Priority: 32768
        Bridge System ID Extension: 0
        Bridge System ID: e8:de:27:ff:c0:78
    Port identifier: 0x8002
    Message Age: 0
    Max Age: 20
    Hello Time: 2
    Forward Delay: 0
"""#),
        // An extended echo request (RFC 8335): its extension walked as packet-icmp.c does, an object cut short by the message's end.
        CorpusTreeTests.Case(file: "pcap/tcpdump__icmp-rfc8335.pcap", frame: 4, lines: #"""
Internet Control Message Protocol
    Type: 42 (Extended Echo request)
    Code: 0 (No error)
    Checksum: 0x4b7c [correct]
    [Checksum Status: Good]
    Identifier (BE): 63274 (0xf72a)
    Identifier (LE): 10999 (0x2af7)
    Sequence Number: 0 (0x00)
    0000 000. = Reserved: 0x00
    .... ...0 = Local bit: Not set
    ICMP Multi-Part Extensions
        Version: 2
        .... 0000 0000 0000 = Reserved: 0x000
        Checksum: 0xf9d1 incorrect, should be 0x6679
            [Expert Info (Warning/Checksum): Bad checksum [should be 0x6679]]
                [Bad checksum [should be 0x6679]]
                [Severity level: Warning]
                [Group: Checksum]
        [Checksum Status: Bad]
        Interface Identification Object
            Length: 12
            Class: Interface Identification Object (3)
            C-Type: 3 (Identifies Interface By Address)
            Address Family Identifier: IPv4 (1)
            Address Length: 4
            Reserved: 00
            Address: 149.28.74.1
        Unknown object (58/144) (truncated)
            Length: 26003
            Class: Unknown (58)
            C-Type: 144
            Data: 0007f32d
"""#),
        // An extended echo reply: its state and flag bits.
        CorpusTreeTests.Case(file: "pcap/tcpdump__icmp-rfc8335.pcap", frame: 6, lines: #"""
Internet Control Message Protocol
    Type: 43 (Extended Echo reply)
    Code: 0 (No error)
    Checksum: 0xb4ce [correct]
    [Checksum Status: Good]
    Identifier (BE): 42 (0x002a)
    Identifier (LE): 10752 (0x2a00)
    Sequence Number: 42 (0x2a)
    000. .... = State: Reserved (0)
    ...0 0... = Reserved: 0x0
    .... .1.. = Active bit: Set
    .... ..1. = IPv4 bit: Set
    .... ...1 = IPv6 bit: Set
"""#),
        // An SOA record in the authority section.
        CorpusTreeTests.Case(file: "pcap/zeek__wikipedia.pcap", frame: 17, lines: #"""
    Authoritative nameservers
        wikimedia.org: type SOA, class IN, mname ns0.wikimedia.org
            Name: wikimedia.org
            Type: SOA (Start Of a zone of Authority) (6)
            Class: IN (0x0001)
            Time to live: 3511 (58 minutes, 31 seconds)
            Data length: 39
            Primary name server: ns0.wikimedia.org
            Responsible authority's mailbox: hostmaster.wikimedia.org
            Serial Number: 2011031816
            Refresh Interval: 43200 (12 hours)
            Retry Interval: 7200 (2 hours)
            Expire limit: 1209600 (14 days)
            Minimum TTL: 600 (10 minutes)
"""#),
        // A RST without the ACK flag whose acknowledgment field is not zero.
        CorpusTreeTests.Case(file: "pcap/zeek__tcp_rst-inject-rae.pcap", frame: 9, lines: #"""
    Acknowledgment Number: 1616457234
        [Expert Info (Note/Protocol): The acknowledgment number field is nonzero while the ACK flag is not set]
            [The acknowledgment number field is nonzero while the ACK flag is not set]
            [Severity level: Note]
            [Group: Protocol]
    Acknowledgment number (raw): 1616457234
"""#),
        CorpusTreeTests.Case(file: "pcap/zeek__tcp_rst-inject-rae.pcap", frame: 2, lines: #"""
    Flags: 0xf14 (RST, ACK, AE, Reserved)
        111. .... .... = Reserved: Set
        ...1 .... .... = Accurate ECN: Set
"""#),
    ]

    static let summaries: [CorpusTreeTests.SummaryCase] = [
        CorpusTreeTests.SummaryCase(file: "pcap/tcpdump__nflog.pcap", frame: 1, line: "    1   0.000000  74.82.42.42 → 10.0.0.20    DNS 180 Standard query response 0x4371 A example.com A 93.184.216.119"),
        CorpusTreeTests.SummaryCase(file: "pcap/zeek__raw_packets.pcap", frame: 3, line: "    3   1.232092 e8:de:27:ff:c0:77 → 01:80:c2:00:00:00 STP 60 Conf. Root = 32768/0/e8:de:27:ff:c0:78  Cost = 0  Port = 0x8002"),
        CorpusTreeTests.SummaryCase(file: "pcap/zeek__wikipedia.pcap", frame: 4, line: "    4   0.037434 00:13:7f:4f:8e:f2 → 01:80:c2:00:00:00 STP 60 RST. Root = 32768/720/00:13:7f:be:8c:c0  Cost = 0  Port = 0x8193"),
        // A router advertisement with its source link-layer address option.
        CorpusTreeTests.SummaryCase(file: "pcapng/rusticata__wireshark_samples-test.pcapng", frame: 241, line: "  241 37.243994076 fe80::5aef:68ff:fe10:8f69 → ff02::1      ICMPv6 86 Router Advertisement from 58:ef:68:10:8f:69"),
        // "%-20s (code)": the reply's name is padded to 20 columns.
        CorpusTreeTests.SummaryCase(file: "pcap/tcpdump__icmp-rfc8335.pcap", frame: 8, line: "    8 902.633378 204.194.23.128 → 149.28.74.237 ICMP 58 Extended Echo reply  (Malformed Query)"),
        CorpusTreeTests.SummaryCase(file: "pcap/zeek__wikipedia.pcap", frame: 17, line: "   17   1.757799  141.142.2.2 → 141.142.220.118 DNS 131 Standard query response 0xa7f4 AAAA upload.wikimedia.org SOA ns0.wikimedia.org"),
        CorpusTreeTests.SummaryCase(file: "malformed/tcpdump__babel_update_oobr.pcap", frame: 4, line: "    4 -1107999.000129 58:5e:0a:02:f4:0a → 02:8e:00:50:6a:e1 0xb104 262144 Ethernet II"),
        CorpusTreeTests.SummaryCase(file: "pcap/tcpdump__mptcp-v1.pcap", frame: 4, line: "    4   0.000254     10.0.1.1 → 10.0.2.1     MPTCP 7192 33306 → 10004 [PSH, ACK] Seq=1 Ack=1 Win=65536 Len=7100 TSval=464494241 TSecr=3275212179"),
        CorpusTreeTests.SummaryCase(file: "pcap/zeek__tcp_rst-inject-rae.pcap", frame: 2, line: "    2   0.233736      1.2.0.3 → 1.2.0.2      TCP 60 6649 → 2527 [RST, ACK, AE, Reserved] Seq=1 Ack=0 Win=16384 Len=0"),
        // A SYN-ACK with a new ISN after that RST: relative numbers count from it.
        CorpusTreeTests.SummaryCase(file: "pcap/zeek__tcp_rst-inject-rae.pcap", frame: 3, line: "    3   1.266240      1.2.0.3 → 1.2.0.2      TCP 78 [TCP Port numbers reused] 6649 → 2527 [SYN, ACK] Seq=0 Ack=1 Win=65535 Len=0 MSS=1440 WS=4 TSval=0 TSecr=0 SACK_PERM"),
    ]

    @Test(arguments: trees)
    func treeHasTsharksLines(_ c: CorpusTreeTests.Case) throws {
        try CorpusTreeTests().treeHasTsharksLines(c)
    }

    @Test(arguments: summaries)
    func summaryIsTsharks(_ c: CorpusTreeTests.SummaryCase) throws {
        try CorpusTreeTests().summaryIsTsharks(c)
    }
}
