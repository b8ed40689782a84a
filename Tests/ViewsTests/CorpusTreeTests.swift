import Foundation
import Testing
import Follow
import Views

/// Trees of public corpus captures against excerpts of tshark 4.0's `-V` for the same
/// frames (copied from `tshark -n -r FILE -V`): what the bundled fixtures do not reach.
@Suite struct CorpusTreeTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var file: String
        var frame: Int
        var lines: String
        var testDescription: String { "\(file) frame \(frame)" }
    }

    static let cases: [Case] = [
        // A request line over 240 bytes: proto.c's " [truncated]" mark, the expert's message
        // cut, and the URI's path, query and parameters.
        Case(file: "pcap/dpkt__http.pcap", frame: 18, lines: #"""
     [truncated]GET /pagead/ads?client=ca-pub-2309191948673629&random=1084443430285&lmt=1082467020&format=468x60_as&output=html&url=http%3A%2F%2Fwww.ethereal.com%2Fdownload.html&color_bg=FFFFFF&color_text=333333&color_link=000000&color_url=66
        [ [truncated]Expert Info (Chat/Sequence): GET /pagead/ads?client=ca-pub-2309191948673629&random=1084443430285&lmt=1082467020&format=468x60_as&output=html&url=http%3A%2F%2Fwww.ethereal.com%2Fdownload.html&color_bg=FFFFFF&color_text=333333&c]
            [GET /pagead/ads?client=ca-pub-2309191948673629&random=1084443430285&lmt=1082467020&format=468x60_as&output=html&url=http%3A%2F%2Fwww.ethereal.com%2Fdownload.html&color_bg=FFFFFF&color_text=333333&color_link=000000&color_url=666633&color_bo]
            [Severity level: Chat]
            [Group: Sequence]
        Request Method: GET
        Request URI [truncated]: /pagead/ads?client=ca-pub-2309191948673629&random=1084443430285&lmt=1082467020&format=468x60_as&output=html&url=http%3A%2F%2Fwww.ethereal.com%2Fdownload.html&color_bg=FFFFFF&color_text=333333&color_link=000000&col
            Request URI Path: /pagead/ads
            Request URI Query [truncated]: client=ca-pub-2309191948673629&random=1084443430285&lmt=1082467020&format=468x60_as&output=html&url=http%3A%2F%2Fwww.ethereal.com%2Fdownload.html&color_bg=FFFFFF&color_text=333333&color_link=000000&color_url
                Request URI Query Parameter: client=ca-pub-2309191948673629
                Request URI Query Parameter: random=1084443430285
                Request URI Query Parameter: lmt=1082467020
                Request URI Query Parameter: format=468x60_as
                Request URI Query Parameter: output=html
                Request URI Query Parameter: url=http%3A%2F%2Fwww.ethereal.com%2Fdownload.html
                Request URI Query Parameter: color_bg=FFFFFF
                Request URI Query Parameter: color_text=333333
                Request URI Query Parameter: color_link=000000
                Request URI Query Parameter: color_url=666633
                Request URI Query Parameter: color_border=666633
        Request Version: HTTP/1.1
"""#),
        // A spurious retransmission: not dissected as HTTP.
        Case(file: "pcap/dpkt__http.pcap", frame: 36, lines: #"""
    TCP payload (1430 bytes)
    Retransmitted TCP segment data (1430 bytes)
"""#),
        // SSH after a Diffie-Hellman group exchange (inside Geneve): the group message, and
        // an encrypted packet as tshark shows it when it set up no decryption.
        Case(file: "pcap/tcpdump__geneve.pcap", frame: 14, lines: #"""
        Key Exchange (method:diffie-hellman-group-exchange-sha256)
            Message Code: Diffie-Hellman Group Exchange Group (31)
            Multi Precision Integer Length: 129
            DH GEX modulus (P): 00de49fc9069994c379d2b6563efd37efae6785eeb1dd0a12b090aac272b22df8c64a4a2…
            Multi Precision Integer Length: 1
            DH GEX base (G): 02
        Padding String: 0000000000000000
        Sequence number: 2
"""#),
        Case(file: "pcap/tcpdump__geneve.pcap", frame: 19, lines: #"""
SSH Protocol
    SSH Version 2
        Packet Length (encrypted): aadc403a
        Encrypted Packet: 1d2084274ba49ab7ccce78b89ae93adb8b0b8037712d57140a8df7b5533a8b9fc7c3f715…
    [Direction: client-to-server]
"""#),
        // Multicast DNS: cache-flush records, SRV and NSEC data; an address from a MAC (SLAAC).
        Case(file: "pcap/zeek__wikipedia.pcap", frame: 2, lines: #"""
    Destination Address: ff02::fb
    [Source SLAAC MAC: 00:17:f2:d7:cf:65]
"""#),
        Case(file: "pcap/zeek__wikipedia.pcap", frame: 2, lines: #"""
    Answers
        gemini._sftp-ssh._tcp.local: type SRV, class IN, cache flush, priority 0, weight 0, port 22, target gemini.local
            Service: gemini
            Protocol: _sftp-ssh
            Name: _tcp.local
            Type: SRV (Server Selection) (33)
            .000 0000 0000 0001 = Class: IN (0x0001)
            1... .... .... .... = Cache flush: True
            Time to live: 120 (2 minutes)
            Data length: 15
            Priority: 0
            Weight: 0
            Port: 22
            Target: gemini.local
    Additional records
        gemini.local: type AAAA, class IN, cache flush, addr fe80::217:f2ff:fed7:cf65
            Name: gemini.local
            Type: AAAA (IPv6 Address) (28)
            .000 0000 0000 0001 = Class: IN (0x0001)
            1... .... .... .... = Cache flush: True
            Time to live: 120 (2 minutes)
            Data length: 16
            AAAA Address: fe80::217:f2ff:fed7:cf65
        gemini.local: type A, class IN, cache flush, addr 141.142.220.50
            Name: gemini.local
            Type: A (Host Address) (1)
            .000 0000 0000 0001 = Class: IN (0x0001)
            1... .... .... .... = Cache flush: True
            Time to live: 120 (2 minutes)
            Data length: 4
            Address: 141.142.220.50
        gemini._sftp-ssh._tcp.local: type NSEC, class IN, cache flush, next domain name gemini._sftp-ssh._tcp.local
            Name: gemini._sftp-ssh._tcp.local
            Type: NSEC (Next Secure) (47)
            .000 0000 0000 0001 = Class: IN (0x0001)
            1... .... .... .... = Cache flush: True
            Time to live: 120 (2 minutes)
            Data length: 9
            Next Domain Name: gemini._sftp-ssh._tcp.local
"""#),
        // An RFC 5227 announcement in a cooked capture.
        Case(file: "pcap/zeek__linuxsll-arp.pcap", frame: 5, lines: #"""
Address Resolution Protocol (ARP Announcement)
    Hardware type: Ethernet (1)
    Protocol type: IPv4 (0x0800)
    Hardware size: 6
    Protocol size: 4
    Opcode: request (1)
    [Is gratuitous: True]
    [Is announcement: True]
    Sender MAC address: 00:50:56:8b:3f:0d
    Sender IP address: 192.168.22.81
    Target MAC address: 00:00:00:00:00:00
    Target IP address: 192.168.22.81
"""#),
        // Data on a RST is its cause.
        Case(file: "pcap/tcpdump__tcp_rst_data.pcap", frame: 1, lines: #"""
    Reset cause: BIG-IP: [0x11c5672:3045] {peer} TCP RST from remote system
"""#),
        // SSDP: HTTP over UDP 1900 under a node of its own; a NOTIFY is a notification.
        Case(file: "pcapng/rusticata__wireshark_samples-test.pcapng", frame: 152, lines: #"""
Simple Service Discovery Protocol
    NOTIFY * HTTP/1.1\r\n
        [Expert Info (Chat/Sequence): NOTIFY * HTTP/1.1\r\n]
            [NOTIFY * HTTP/1.1\r\n]
            [Severity level: Chat]
            [Group: Sequence]
        Request Method: NOTIFY
        Request URI: *
        Request Version: HTTP/1.1
    Host: 239.255.255.250:1900\r\n
    Cache-Control: max-age=1800\r\n
    Location: http://192.168.152.15:49152/0/description.xml\r\n
    NT: upnp:rootdevice\r\n
    NTS: ssdp:alive\r\n
    Server: Linux/3.3.8-3.0, UPnP/1.0 DIRECTV JHUPnP/1.0\r\n
    USN: uuid:DIRECTV2PC-Media-Server1_0-RID-023254776174::upnp:rootdevice\r\n
    \r\n
    [Full request URI: http://239.255.255.250:1900*]
"""#),
        // An M-SEARCH is a request, numbered within its UDP conversation.
        Case(file: "pcapng/rusticata__wireshark_samples-test.pcapng", frame: 300, lines: #"""
    USER-AGENT: Google Chrome/61.0.3163.100 Windows\r\n
    \r\n
    [Full request URI: http://239.255.255.250:1900*]
    [HTTP request 2/2]
    [Prev request in frame: 299]
"""#),
        // LLMNR: DNS's format with its own flags; a query repeated within 5 seconds is a
        // retransmission, its expert info under the transaction id.
        Case(file: "pcap/zeek__wikipedia.pcap", frame: 122, lines: #"""
Link-local Multicast Name Resolution (query)
    Transaction ID: 0x4620
        [Expert Info (Warning/Protocol): DNS query retransmission. Original request in frame 120]
            [DNS query retransmission. Original request in frame 120]
            [Severity level: Warning]
            [Group: Protocol]
    Flags: 0x0000 Standard query
        0... .... .... .... = Response: Message is a query
        .000 0... .... .... = Opcode: Standard query (0)
        .... .0.. .... .... = Conflict: None
        .... ..0. .... .... = Truncated: Message is not truncated
        .... ...0 .... .... = Tentative: Not tentative
"""#),
        Case(file: "pcap/zeek__wikipedia.pcap", frame: 122, lines: #"""
            Class: IN (0x0001)
    [Retransmitted request. Original request in: 120]
    [Retransmission: True]
"""#),
        // An mDNS answer from another host than the asker: no query in its conversation.
        Case(file: "pcap/zeek__wikipedia.pcap", frame: 2, lines: #"""
            RR type in bit map: AAAA (IPv6 Address)
    [Unsolicited: True]
"""#),
        // IGMPv2 in the public corpus, with the Router Alert option.
        Case(file: "pcap/tcpdump__IGMP_V2.pcap", frame: 2, lines: #"""
    Options: (4 bytes), Router Alert
        IP Option - Router Alert (4 bytes): Router shall examine packet (0)
            Type: 148
                1... .... = Copy on fragmentation: Yes
                .00. .... = Class: Control (0)
                ...1 0100 = Number: Router Alert (20)
            Length: 4
            Router Alert: Router shall examine packet (0)
Internet Group Management Protocol
    [IGMP Version: 2]
    Type: Membership Report (0x16)
    Max Resp Time: 0.0 sec (0x00)
    Checksum: 0xfa04 [correct]
    [Checksum Status: Good]
"""#),
        // VRRP v2 with simple-text authentication; ESP's per-SPI sequence analysis; MLDv2
        // after an IPv6 Hop-by-Hop header.
        Case(file: "pcap/tcpdump__vrrp.pcap", frame: 1, lines: #"""
Virtual Router Redundancy Protocol
    Version 2, Packet type 1 (Advertisement)
        0010 .... = VRRP protocol version: 2
        .... 0001 = VRRP packet type: Advertisement (1)
    Virtual Rtr ID: 42
    Priority: 191 (Non-default backup priority)
    Addr Count: 3
    Auth Type: Simple Text Authentication [RFC 2338] / Reserved [RFC 3768] (1)
    Adver Int: 10
    Checksum: 0xf11f [correct]
    [Checksum Status: Good]
    IP Address: 10.4.42.1
    IP Address: 10.4.42.2
    IP Address: 10.4.42.3
    Authentication String: abcdefgh
"""#),
        Case(file: "pcap/zeek__ip6_esp.pcap", frame: 42, lines: #"""
Encapsulating Security Payload
    ESP SPI: 0x0000000a (10)
    ESP Sequence: 1
    [Expected SN: 11]
        [Expert Info (Warning/Sequence): Wrong Sequence Number for SPI 0000000a - 10 less than expected]
            [Wrong Sequence Number for SPI 0000000a - 10 less than expected]
            [Severity level: Warning]
            [Group: Sequence]
    [Previous Frame: 11]
"""#),
        Case(file: "pcap/zeek__ip6_esp.pcap", frame: 1, lines: #"""
    IPv6 Hop-by-Hop Option
        Next Header: ICMPv6 (58)
        Length: 0
        [Length: 8 bytes]
        Router Alert
            Type: Router Alert (0x05)
                00.. .... = Action: Skip and continue (0)
                ..0. .... = May Change: No
                ...0 0101 = Low-Order Bits: 0x05
            Length: 2
            Router Alert: MLD (0)
        PadN
            Type: PadN (0x01)
                00.. .... = Action: Skip and continue (0)
                ..0. .... = May Change: No
                ...0 0001 = Low-Order Bits: 0x01
            Length: 0
            PadN: <none>
Internet Control Message Protocol v6
    Type: Multicast Listener Report Message v2 (143)
    Code: 0
    Checksum: 0x7a19 [correct]
    [Checksum Status: Good]
    Reserved: 0000
    Number of Multicast Address Records: 3
    Multicast Address Record Changed to exclude: ff02::1:ff00:1
        Record Type: Changed to exclude (4)
        Aux Data Len: 0
        Number of Sources: 0
        Multicast Address: ff02::1:ff00:1
"""#),
        // NBNS: a registration, its name decoded from the first-level encoding.
        Case(file: "pcap/tcpdump__eapon1.pcap", frame: 45, lines: #"""
    Additional records
        DJP95S0J<00>: type NB, class IN
            Name: DJP95S0J<00> (Workstation/Redirector)
            Type: NB (32)
            Class: IN (1)
            Time to live: 3 days, 11 hours, 20 minutes
            Data length: 6
            Name flags: 0x6000, ONT: Unknown (H-node, unique)
                0... .... .... .... = Name type: Unique name
                .11. .... .... .... = ONT: Unknown (3)
            Addr: 169.254.67.194
"""#),
        // Modbus/TCP: a response paired with its query, its register numbered from the
        // query's reference; tcp_dissect_pdus states the PDU's size.
        Case(file: "pcap/gopacket__modbus.pcap", frame: 2, lines: #"""
    TCP payload (11 bytes)
    [PDU Size: 11]
Modbus/TCP
    Transaction Identifier: 209
    Protocol Identifier: 0
    Length: 5
    Unit Identifier: 1
Modbus
    .000 0011 = Function Code: Read Holding Registers (3)
    [Request Frame: 1]
    [Time from request: 0.001135000 seconds]
    Byte Count: 2
    Register 1 (UINT16): 0
        Register Number: 1
        Register Value (UINT16): 0
"""#),
        // EAPOL-Start in a 19-byte frame: its extra byte is a trailer, not padding.
        Case(file: "pcap/tcpdump__eapon1.pcap", frame: 17, lines: #"""
    Type: 802.1X Authentication (0x888e)
    Trailer: 00
802.1X Authentication
    Version: 802.1X-2001 (1)
    Type: Start (1)
    Length: 0
"""#),
        // EAP-SIM: attributes in 4-byte words, the identity with its actual length.
        Case(file: "pcap/tcpdump__eapon1.pcap", frame: 21, lines: #"""
Extensible Authentication Protocol
    Code: Response (2)
    Id: 16
    Length: 76
    Type: GSM Subscriber Identity Modules EAP (EAP-SIM) (18)
    EAP-SIM Subtype: Start (10)
    EAP-SIM Reserved: 0x0000
    EAP-SIM Attribute: AT_IDENTITY (14)
        EAP-SIM Type: AT_IDENTITY (14)
        EAP-SIM Length: 11
        Identity Actual Length: 40
        Identity: 1295023820005391@mnc023.mcc295.owlan.org
    EAP-SIM Attribute: AT_NONCE_MT (7)
        EAP-SIM Type: AT_NONCE_MT (7)
        EAP-SIM Length: 5
        EAP-SIM Value: 0000e2d2f972cbc91b81f6c7c1a59c9fcae2
    EAP-SIM Attribute: AT_SELECTED_VERSION (16)
        EAP-SIM Type: AT_SELECTED_VERSION (16)
        EAP-SIM Length: 1
        EAP-SIM Value: 0001
"""#),
        // An RC4 key descriptor with its key, and one whose key was generated locally.
        Case(file: "pcap/tcpdump__eapon1.pcap", frame: 25, lines: #"""
802.1X Authentication
    Version: 802.1X-2001 (1)
    Type: Key (3)
    Length: 57
    Key Descriptor Type: RC4 Descriptor (1)
    Key Length: 13
    Replay Counter: 70782488215707
    Key IV: 6aba18850f27ac38ae1aca8253858f26
    Key Index: 0x02
        0... .... = Type: Broadcast
        .000 0010 = Number: 2
    Key Signature: 5d11315d47c77d8547a020d8cb9d4943
    Key: 9af1d153d2ba5ccf63c3a226b8
    Key Generated Locally: False
"""#),
        Case(file: "pcap/tcpdump__eapon1.pcap", frame: 26, lines: #"""
    Key Index: 0x83
        1... .... = Type: Unicast
        .000 0011 = Number: 3
    Key Signature: 71e17a1e746e3b91df7d7946f7f8caa4
    Key Generated Locally: True
"""#),
        // A browser announcement: the SMB header, the Trans request and its mailslot.
        Case(file: "pcap/tcpdump__eapon1.pcap", frame: 7, lines: #"""
SMB (Server Message Block Protocol)
    SMB Header
        Server Component: SMB
        SMB Command: Trans (0x25)
        Error Class: Success (0x00)
        Reserved: 00
        Error Code: No Error
        Flags: 0x00
            0... .... = Request/Response: Message is a request to the server
            .0.. .... = Notify: Notify client only on open
            ..0. .... = Oplocks: OpLock not requested/granted
            ...0 .... = Canonicalized Pathnames: Pathnames are not canonicalized
            .... 0... = Case Sensitivity: Path names are case sensitive
            .... ..0. = Receive Buffer Posted: Receive buffer has not been posted
            .... ...0 = Lock and Read: Lock&Read, Write&Unlock are not supported
        Flags2: 0x0000
            0... .... .... .... = Unicode Strings: Strings are ASCII
            .0.. .... .... .... = Error Code Type: Error codes are DOS error codes
            ..0. .... .... .... = Execute-only Reads: Don't permit reads if execute-only
            ...0 .... .... .... = Dfs: Don't resolve pathnames with Dfs
            .... 0... .... .... = Extended Security Negotiation: Extended security negotiation is not supported
            .... .0.. .... .... = Reparse Path: The request does not use a @GMT reparse path
            .... .... .0.. .... = Long Names Used: Path names in request are not long file names
            .... .... ...0 .... = Security Signatures Required: Security signatures are not required
            .... .... .... 0... = Compressed: Compression is not requested
            .... .... .... .0.. = Security Signatures: Security signatures are not supported
            .... .... .... ..0. = Extended Attributes: Extended attributes are not supported
            .... .... .... ...0 = Long Names Allowed: Long file names are not allowed in the response
        Process ID High: 0
        Signature: 0000000000000000
        Reserved: 0000
        Tree ID: 0
        Process ID: 0
        User ID: 0
        Multiplex ID: 0
    Trans Request (0x25)
        Word Count (WCT): 17
        Total Parameter Count: 0
        Total Data Count: 33
        Max Parameter Count: 0
        Max Data Count: 0
        Max Setup Count: 0
        Reserved: 00
        Flags: 0x0000
            .... .... .... ..0. = One Way Transaction: Two way transaction
            .... .... .... ...0 = Disconnect TID: Do NOT disconnect TID
        Timeout: 1 second
        Reserved: 0000
        Parameter Count: 0
        Parameter Offset: 0
        Data Count: 33
        Data Offset: 86
        Setup Count: 3
        Reserved: 00
        Byte Count (BCC): 50
        Transaction Name: \MAILSLOT\BROWSE
SMB MailSlot Protocol
    Opcode: Write Mail Slot (1)
    Priority: 0
    Class: Unreliable & Broadcast (2)
    Size: 50
    Mailslot Name: \MAILSLOT\BROWSE
"""#),
        // A browser election: the NetBIOS datagram, the criteria and the uptime.
        Case(file: "pcap/tcpdump__eapon1.pcap", frame: 82, lines: #"""
NetBIOS Datagram Service
    Message Type: Direct_group datagram (17)
    Flags: 0x0e, This is first fragment, Node Type: NBDD
        .... ...0 = More fragments follow: No
        .... ..1. = This is first fragment: Yes
        .... 11.. = Node Type: NBDD (3)
    Datagram ID: 0x8939
    Source IP: 169.254.67.194
    Source Port: 138
    Datagram length: 177 bytes
    Packet offset: 0 bytes
    Source name: DJP95S0J<00> (Workstation/Redirector)
    Destination name: ARBEITSGRUPPE<1e> (Browser Election Service)
"""#),
        Case(file: "pcap/tcpdump__eapon1.pcap", frame: 82, lines: #"""
Microsoft Windows Browser Protocol
    Command: Browser Election Request (0x08)
    Election Version: 1
    Election Criteria: 0x10010f20
        Election Desire: 0x20, WINS
            .... ...0 = Backup: NOT Backup Browse Server
            .... ..0. = Standby: NOT Standby Browse Server
            .... .0.. = Master: NOT Master Browser
            .... 0... = Domain Master: NOT Domain Master Browse Server
            ..1. .... = WINS: WINS Client
            0... .... = NT: NOT Windows NT Advanced Server
        Browser Protocol Major Version: 15
        Browser Protocol Minor Version: 1
        Election OS: 0x10, NT Workstation
            .... ...0 = WfW: Not Windows for Workgroups
            ...1 .... = NT Workstation: Windows NT Workstation
            ..0. .... = NT Server: Not Windows NT Server
    Uptime: 4 days, 2 hours, 20 minutes, 5.337 seconds
    Server Name: DJP95S0J
"""#),
        // A domain announcement: no browser version but packet-smb-browse.c's mysterious field.
        Case(file: "pcap/tcpdump__eapon1.pcap", frame: 3, lines: #"""
Microsoft Windows Browser Protocol
    Command: Domain/Workgroup Announcement (0x0c)
    Update Count: 0
    Update Periodicity: 1 minute
    Domain/Workgroup: ARBEITSGRUPPE
    Windows version: 
    OS Major Version: 3
    OS Minor Version: 10
    Server Type: 0x80001000, NT Workstation, Domain Enum
        .... .... .... .... .... .... .... ...0 = Workstation: This is NOT a Workstation
        .... .... .... .... .... .... .... ..0. = Server: This is NOT a Server
        .... .... .... .... .... .... .... .0.. = SQL: This is NOT an SQL server
        .... .... .... .... .... .... .... 0... = Domain Controller: This is NOT a Domain Controller
        .... .... .... .... .... .... ...0 .... = Backup Controller: This is NOT a Backup Controller
        .... .... .... .... .... .... ..0. .... = Time Source: This is NOT a Time Source
        .... .... .... .... .... .... .0.. .... = Apple: This is NOT an Apple host
        .... .... .... .... .... .... 0... .... = Novell: This is NOT a Novell server
        .... .... .... .... .... ...0 .... .... = Member: This is NOT a Domain Member server
        .... .... .... .... .... ..0. .... .... = Print: This is NOT a Print Queue server
        .... .... .... .... .... .0.. .... .... = Dialin: This is NOT a Dialin server
        .... .... .... .... .... 0... .... .... = Xenix: This is NOT a Xenix server
        .... .... .... .... ...1 .... .... .... = NT Workstation: This is an NT Workstation
        .... .... .... .... ..0. .... .... .... = WfW: This is NOT a WfW host
        .... .... .... .... 0... .... .... .... = NT Server: This is NOT an NT Server
        .... .... .... ...0 .... .... .... .... = Potential Browser: This is NOT a Potential Browser
        .... .... .... ..0. .... .... .... .... = Backup Browser: This is NOT a Backup Browser
        .... .... .... .0.. .... .... .... .... = Master Browser: This is NOT a Master Browser
        .... .... .... 0... .... .... .... .... = Domain Master Browser: This is NOT a Domain Master Browser
        .... .... ...0 .... .... .... .... .... = OSF: This is NOT an OSF host
        .... .... ..0. .... .... .... .... .... = VMS: This is NOT a VMS host
        .... .... .0.. .... .... .... .... .... = Windows 95+: This is NOT a Windows 95 or above host
        .... .... 0... .... .... .... .... .... = DFS: THis is NOT a DFS server
        .0.. .... .... .... .... .... .... .... = Local: This is NOT a local list only request
        1... .... .... .... .... .... .... .... = Domain Enum: This is a Domain Enum request
    Mysterious Field: 0x0304fe4c
    Master Browser Server Name: DJP95S0J
"""#),
        // An ARP reply padded with zeros to 60 bytes.
        Case(file: "pcap/tcpdump__eapon1.pcap", frame: 12, lines: #"""
    Type: ARP (0x0806)
    Padding: 000000000000000000000000000000000000
"""#),
        // Non-zero bytes after an ARP packet: no padding, a trailer and its note.
        Case(file: "pcapng/rusticata__wireshark_samples-test.pcapng", frame: 102, lines: #"""
    Type: ARP (0x0806)
    Trailer: 000070d07a414cd07a41944e30407cd07a41
        [Expert Info (Note/Protocol): Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros.]
            [Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros.]
            [Severity level: Note]
            [Group: Protocol]
"""#),
    ]

    /// The corpus file's path, or nil (and why) when ../shared/corpus does not hold it.
    static func corpusFile(_ file: String) -> String? {
        let path = Paths.corpus.appendingPathComponent(file).path
        guard FileManager.default.fileExists(atPath: path) else {
            print("skipped: \(file) is not in ../shared/corpus")
            return nil
        }
        return path
    }

    @Test(arguments: cases)
    func treeHasTsharksLines(_ c: Case) throws {
        guard let path = Self.corpusFile(c.file) else { return }
        var options = FollowerOptions()
        options.pduBytesLimit = 1 << 20
        let (text, _) = renderFile(path, follower: Follower(options: options)) { input, out in
            guard input.frame.number == c.frame else { return }
            VerboseView.write(PacketTree.build(input), bytes: input.frame.bytes, to: out)
        }
        let tree = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let wanted = c.lines.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let found = tree.indices.contains { i in i + wanted.count <= tree.count && Array(tree[i..<i + wanted.count]) == wanted }
        #expect(found, "tshark's lines not found in order:\n\(c.lines)\n--- tcpwatch:\n\(text)")
    }

    struct SummaryCase: CustomTestStringConvertible, Sendable {
        var file: String
        var frame: Int
        var line: String
        var testDescription: String { "\(file) frame \(frame)" }
    }

    /// Summary lines of corpus frames, copied from `tshark -n -r FILE`: mDNS's question
    /// kinds and cache-flush records with SRV and NSEC data, an RFC 5227 announcement, an
    /// SSH packet after a group exchange, a spurious retransmission.
    static let summaryCases: [SummaryCase] = [
        SummaryCase(file: "pcap/zeek__wikipedia.pcap", frame: 1, line: #"    1   0.000000 141.142.220.202 → 224.0.0.251  MDNS 87 Standard query 0x0000 SRV gemini._sftp-ssh._tcp.local, "QM" question"#),
        SummaryCase(file: "pcap/zeek__wikipedia.pcap", frame: 2, line: #"    2   0.000477 fe80::217:f2ff:fed7:cf65 → ff02::fb     MDNS 213 Standard query response 0x0000 SRV, cache flush 0 0 22 gemini.local AAAA, cache flush fe80::217:f2ff:fed7:cf65 A, cache flush 141.142.220.50 NSEC, cache flush gemini._sftp-ssh._tcp.local NSEC, cache flush gemini.local"#),
        SummaryCase(file: "pcapng/rusticata__wireshark_samples-test.pcapng", frame: 102, line: #"  102 23.961832599 9c:ae:d3:1c:e1:13 → ff:ff:ff:ff:ff:ff ARP 60 ARP Announcement for 192.168.152.110"#),
        SummaryCase(file: "pcap/tcpdump__geneve.pcap", frame: 19, line: #"   19   0.236175     30.0.0.2 → 30.0.0.1     SSHv2 164 Client: Encrypted packet (len=48)"#),
        SummaryCase(file: "pcapng/rusticata__wireshark_samples-test.pcapng", frame: 300, line: "  300 51.063425891 192.168.152.3 → 239.255.255.250 SSDP 216 M-SEARCH * HTTP/1.1 "),
        SummaryCase(file: "pcap/zeek__wikipedia.pcap", frame: 121, line: "  121   4.580546 141.142.220.226 → 224.0.0.252  LLMNR 75 Standard query 0x4620 A BRWC0CB383D1F42"),
        SummaryCase(file: "pcap/tcpdump__vrrp.pcap", frame: 1, line: "    1   0.000000    10.0.0.91 → 224.0.0.18   VRRP 62 Announcement (v2)"),
        SummaryCase(file: "pcap/zeek__ip6_esp.pcap", frame: 2, line: "    2 657.521474      3ffe::1 → 3ffe::2      ESP 170 ESP (SPI=0x0000000a)"),
        SummaryCase(file: "pcap/lwerdna__simple_http.pcap", frame: 4, line: "    4   0.000133    127.0.0.1 → 127.0.0.1    HTTP 559 GET / HTTP/1.1 "),
        SummaryCase(file: "pcapng/hadrielk__le_basic_test004.pcapng", frame: 1, line: "    1   0.000000      0.0.0.0 → 255.255.255.255 BOOTP 314 Boot Request from 00:0b:82:01:fc:42 (00:0b:82:01:fc:42)[Packet size limited during capture]"),
        SummaryCase(file: "pcapng/hadrielk__le_basic_test001.pcapng", frame: 2, line: "    2   0.000000  192.168.0.1 → 192.168.0.10 DHCP 342 DHCP Offer    - Transaction ID 0x3d1d"),
        SummaryCase(file: "pcap/tcpdump__eapon1.pcap", frame: 45, line: "   45  69.005420 169.254.67.194 → 169.254.255.255 NBNS 110 Registration NB DJP95S0J<00>"),
        SummaryCase(file: "pcap/gopacket__modbus.pcap", frame: 1, line: "    1   0.000000 192.168.110.131 → 192.168.110.138 Modbus/TCP 66    Query: Trans:   209; Unit:   1, Func:   3: Read Holding Registers"),
        SummaryCase(file: "pcap/gopacket__modbus.pcap", frame: 2, line: "    2   0.001135 192.168.110.138 → 192.168.110.131 Modbus/TCP 65 Response: Trans:   209; Unit:   1, Func:   3: Read Holding Registers"),
        SummaryCase(file: "pcap/tcpdump__eapon1.pcap", frame: 17, line: "   17   7.197938 00:04:23:57:a5:7a → 00:0c:ce:88:31:9a EAPOL 19 Start"),
        SummaryCase(file: "pcap/tcpdump__eapon1.pcap", frame: 19, line: "   19   8.807436 00:04:23:57:a5:7a → 00:0c:ce:88:31:9a EAP 63 Response, Identity"),
        SummaryCase(file: "pcap/tcpdump__eapon1.pcap", frame: 21, line: "   21   8.872059 00:04:23:57:a5:7a → 00:0c:ce:88:31:9a EAP 94 Response, GSM Subscriber Identity Modules EAP (EAP-SIM)"),
        SummaryCase(file: "pcap/tcpdump__eapon1.pcap", frame: 24, line: "   24   9.726742 00:0c:ce:88:31:9a → 00:04:23:57:a5:7a EAP 60 Success"),
        SummaryCase(file: "pcap/tcpdump__eapon1.pcap", frame: 25, line: "   25   9.727748 00:0c:ce:88:31:9a → 00:04:23:57:a5:7a EAPOL 75 Key"),
        SummaryCase(file: "pcap/tcpdump__eapon1.pcap", frame: 1, line: "    1   0.000000 192.168.1.249 → 192.168.1.255 BROWSER 221 Request Announcement DJP95S0J"),
        SummaryCase(file: "pcap/tcpdump__eapon1.pcap", frame: 3, line: "    3   0.000750 192.168.1.249 → 192.168.1.255 BROWSER 251 Domain/Workgroup Announcement ARBEITSGRUPPE, NT Workstation, Domain Enum"),
        SummaryCase(file: "pcap/tcpdump__eapon1.pcap", frame: 7, line: "    7   1.839798 192.168.1.249 → 192.168.1.255 BROWSER 243 Local Master Announcement DJP95S0J, Workstation, Server, NT Workstation, Potential Browser, Master Browser"),
        SummaryCase(file: "pcap/tcpdump__eapon1.pcap", frame: 77, line: "   77  78.011595 169.254.67.194 → 169.254.255.255 BROWSER 243 Host Announcement DJP95S0J, Workstation, Server, NT Workstation, Potential Browser"),
        SummaryCase(file: "pcap/tcpdump__eapon1.pcap", frame: 82, line: "   82  84.013937 169.254.67.194 → 169.254.255.255 BROWSER 233 Browser Election Request"),
        SummaryCase(file: "pcap/dpkt__http.pcap", frame: 36, line: #"   36   4.776868 216.239.59.99 → 145.254.160.237 TCP 1484 [TCP Spurious Retransmission] 80 → 3371 [PSH, ACK] Seq=1 Ack=722 Win=31460 Len=1430"#),
    ]

    @Test(arguments: summaryCases)
    func summaryIsTsharks(_ c: SummaryCase) throws {
        guard let path = Self.corpusFile(c.file) else { return }
        let line = SummaryLine()
        let (text, _) = renderFile(path) { input, out in
            if input.frame.number == c.frame { line.write(input, to: out) }
        }
        #expect(text == c.line + "\n")
    }

    /// Field values as tshark's `-T json` gives them (`tshark -n -r FILE -T json`).
    struct FieldCase: CustomTestStringConvertible, Sendable {
        var file: String
        var frame: Int
        var values: [String: [String]]
        var testDescription: String { "\(file) frame \(frame)" }
    }

    static let fieldCases: [FieldCase] = [
        // A notification's unknown headers are "Unknown header"s with an escaped CRLF;
        // it has no request lines and is not a request.
        FieldCase(file: "pcapng/rusticata__wireshark_samples-test.pcapng", frame: 152, values: [
            "http.unknown_header": [#"NT: upnp:rootdevice\r\n"#, #"NTS: ssdp:alive\r\n"#,
                                    #"USN: uuid:DIRECTV2PC-Media-Server1_0-RID-023254776174::upnp:rootdevice\r\n"#],
            "http.cache_control": ["max-age=1800"], "http.notification": ["1"], "http.request": [],
            "http.request.line": [], "http.request_number": [],
        ]),
        // A request's unknown headers are visible request lines; every line is one.
        FieldCase(file: "pcapng/rusticata__wireshark_samples-test.pcapng", frame: 300, values: [
            "http.request.line": ["HOST: 239.255.255.250:1900\r\n", "MAN: \"ssdp:discover\"\r\n", "MX: 1\r\n",
                                  "ST: urn:dial-multiscreen-org:service:dial:1\r\n",
                                  "USER-AGENT: Google Chrome/61.0.3163.100 Windows\r\n"],
            "http.unknown_header": [], "http.request": ["1"], "http.request_number": ["2"],
            "http.prev_request_in": ["299"], "http.user_agent": ["Google Chrome/61.0.3163.100 Windows"],
        ]),
        // A Modbus response's request, time and register (`tshark -T json`).
        FieldCase(file: "pcap/gopacket__modbus.pcap", frame: 2, values: [
            "mbtcp.trans_id": ["209"], "mbtcp.len": ["5"], "modbus.func_code": ["3"], "modbus.request_frame": ["1"],
            "modbus.response_time": ["0.001135000"], "modbus.byte_cnt": ["2"], "modbus.regnum16": ["1"],
            "modbus.regval_uint16": ["0"],
        ]),
        FieldCase(file: "pcap/tcpdump__eapon1.pcap", frame: 25, values: [
            "eapol.len": ["57"], "eapol.keydes.type": ["1"], "eapol.keydes.key_len": ["13"],
            "eapol.keydes.replay_counter": ["70782488215707"], "eapol.keydes.key_index": ["0x02"],
            "eapol.keydes.key_index.type": ["0"], "eapol.keydes.key_index.number": ["2"],
            "eapol.keydes.key.generated_locally": ["0"],
        ]),
        // A browser announcement's datagram, SMB and mailslot fields.
        FieldCase(file: "pcap/tcpdump__eapon1.pcap", frame: 7, values: [
            "nbdgm.dgram_len": ["187"], "nbdgm.source_name": ["DJP95S0J<20>"], "smb.server_component": ["0x424d53ff"],
            "smb.error_code": ["0x0000"], "smb.timeout": ["1000"], "smb.trans_name": [#"\MAILSLOT\BROWSE"#],
            "mailslot.size": ["50"], "browser.period": ["720000"], "browser.server": ["DJP95S0J"],
            "browser.windows_version": ["Windows XP"], "browser.server_type": ["0x00051003"], "browser.comment": [""],
        ]),
    ]

    @Test(arguments: fieldCases)
    func fieldsAreTsharks(_ c: FieldCase) throws {
        guard let path = Self.corpusFile(c.file) else { return }
        var details: PacketDetails?
        _ = renderFile(path) { input, _ in
            if input.frame.number == c.frame { details = PacketTree.build(input) }
        }
        let tree = try #require(details)
        for (name, wanted) in c.values.sorted(by: { $0.key < $1.key }) {
            #expect(tree.values(of: name) == wanted, "\(name)")
        }
    }
}
