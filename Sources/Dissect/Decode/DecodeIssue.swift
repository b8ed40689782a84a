/// A protocol layer, named as Wireshark names it in `frame.protocols`.
public enum Layer: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case frame, eth, ethertype, vlan, sll, null, loop, raw, arp
    case llc, ip, ipv6, icmp, icmpv6, tcp, udp, dns, mdns, http, data
    case echo, tftp, dataTextLines, media, json, xml, urlencodedForm
    /// IPv6 extension headers, named as Wireshark names them in `frame.protocols`.
    case ipv6Hopopts, ipv6Routing, ipv6Fraghdr, ipv6Dstopts
    case tls, ssh, x509sat, x509ce, x509af
    /// Tunnels (issue 14).
    case gre, ppp, vxlan, geneve, erspan
    /// PPP over Ethernet's session stage (RFC 2516), as DSL links carry IP.
    case pppoes
    /// HTTP over UDP on port 1900: UPnP's Simple Service Discovery Protocol.
    case ssdp
    /// Network-layer protocols carried straight in IP.
    case igmp, esp, vrrp
    /// Link-Local Multicast Name Resolution (RFC 4795): DNS's format on UDP 5355.
    case llmnr
    /// BOOTP and DHCP on UDP 67 and 68 (Wireshark's "dhcp").
    case dhcp
    /// The NetBIOS Name Service (RFC 1002) on UDP 137.
    case nbns
    /// Linux's netfilter log link type (`tcpdump -i nflog`).
    case nflog
    /// The spanning tree's bridge PDUs, over 802.2 LLC.
    case stp
    /// Modbus/TCP (TCP 502): the MBAP header ("mbtcp") and the Modbus PDU ("modbus").
    case mbtcp, modbus
    /// 802.1X authentication (EAPOL, ethertype 0x888E), EAP packets included.
    case eapol
    /// The NetBIOS Datagram Service (UDP 138), SMB, and the Windows browser protocol it carries.
    case nbdgm, smb, browser
    /// Kerberos: the port-88 dissector ("kerberos") and the version 4 messages it hands on.
    case kerberos, krb4
    /// L2TP version 2 (UDP 1701) and PPP's Link Control Protocol.
    case l2tp, lcp
    /// The Routing Information Protocol (UDP 520).
    case rip
    /// OSPF versions 2 and 3 (IP protocol 89).
    case ospf
    /// The IPv6 Mobility Header (RFC 6275; extension header 135, or 62 as first assigned).
    case mipv6
    /// DHCPv6 on UDP 546 and 547.
    case dhcpv6
    /// GTP (UDP 2123, 2152) and, on UDP 3386, its version 0 as Wireshark names it there.
    case gtp, gtpprime

    public var description: String {
        switch self {
        case .frame: "frame"
        case .eth: "eth"
        case .ethertype: "ethertype"
        case .vlan: "vlan"
        case .sll: "sll"
        case .null: "null"
        case .loop: "loop"
        case .raw: "raw"
        case .arp: "arp"
        case .llc: "llc"
        case .ip: "ip"
        case .ipv6: "ipv6"
        case .icmp: "icmp"
        case .icmpv6: "icmpv6"
        case .tcp: "tcp"
        case .udp: "udp"
        case .dns: "dns"
        case .mdns: "mdns"
        case .http: "http"
        case .data: "data"
        case .echo: "echo"
        case .tftp: "tftp"
        case .dataTextLines: "data-text-lines"
        case .media: "media"
        case .json: "json"
        case .xml: "xml"
        case .urlencodedForm: "urlencoded-form"
        case .ipv6Hopopts: "ipv6.hopopts"
        case .ipv6Routing: "ipv6.routing"
        case .ipv6Fraghdr: "ipv6.fraghdr"
        case .ipv6Dstopts: "ipv6.dstopts"
        case .tls: "tls"
        case .ssh: "ssh"
        case .x509sat: "x509sat"
        case .x509ce: "x509ce"
        case .x509af: "x509af"
        case .gre: "gre"
        case .ppp: "ppp"
        case .pppoes: "pppoes"
        case .vxlan: "vxlan"
        case .geneve: "geneve"
        case .erspan: "erspan"
        case .ssdp: "ssdp"
        case .igmp: "igmp"
        case .esp: "esp"
        case .vrrp: "vrrp"
        case .llmnr: "llmnr"
        case .dhcp: "dhcp"
        case .nbns: "nbns"
        case .nflog: "nflog"
        case .stp: "stp"
        case .mbtcp: "mbtcp"
        case .modbus: "modbus"
        case .eapol: "eapol"
        case .nbdgm: "nbdgm"
        case .smb: "smb"
        case .browser: "browser"
        case .kerberos: "kerberos"
        case .krb4: "krb4"
        case .l2tp: "l2tp"
        case .lcp: "lcp"
        case .rip: "rip"
        case .ospf: "ospf"
        case .mipv6: "mipv6"
        case .dhcpv6: "dhcpv6"
        case .gtp: "gtp"
        case .gtpprime: "gtpprime"
        }
    }

    /// The protocol's short name, as Wireshark registers it: the protocol column, and the
    /// name in `[Packet size limited during capture: TCP truncated]`.
    public var shortName: String {
        switch self {
        case .frame: "Frame"
        case .eth: "Ethernet"
        case .sll: "SLL"
        case .null, .loop: "NULL"
        case .ip: "IPv4"
        case .ipv6, .ipv6Hopopts, .ipv6Routing, .ipv6Fraghdr, .ipv6Dstopts: "IPv6"
        case .icmpv6: "ICMPv6"
        case .ssh: "SSH"
        case .tls: "TLS"
        case .data: "Data"
        case .dhcp: "DHCP/BOOTP"
        case .mbtcp: "Modbus/TCP"
        case .modbus: "Modbus"
        case .kerberos: "KRB5"
        case .lcp: "PPP LCP"
        case .mipv6: "MIPv6"
        case .dhcpv6: "DHCPv6"
        case .gtpprime: "GTP"
        default: description.uppercased()
        }
    }
}

/// Why a layer is malformed, beyond simply being cut short.
public enum Malformation: Sendable, Equatable, CustomStringConvertible {
    case badVersion(UInt8)
    case headerLengthTooSmall(Int)
    case lengthFieldTooSmall(Int)
    case optionLength(Int)
    case extensionHeaderChain
    case dnsNameLoop
    case dnsNameTooLong
    case dnsLabelType(UInt8)
    /// A compression pointer to an offset (from the message start) not yet read.
    case dnsForwardPointer(Int)
    case unsupportedLinkType(LinkType)
    case unknownAddressFamily(UInt32)

    public var description: String {
        switch self {
        case .badVersion(let v): "bad version \(v)"
        case .headerLengthTooSmall(let n): "header length \(n) is too small"
        case .lengthFieldTooSmall(let n): "length field \(n) is smaller than the header"
        case .optionLength(let n): "option with invalid length \(n)"
        case .extensionHeaderChain: "too many extension headers"
        case .dnsNameLoop: "name compression loop"
        case .dnsNameTooLong: "name longer than 255 bytes"
        case .dnsLabelType(let t): "unknown label type 0x\(String(t, radix: 16))"
        case .dnsForwardPointer(let p): "name compression pointer forward to offset \(p)"
        case .unsupportedLinkType(let t): "unsupported link type \(t.rawValue)\(t.name.map { " (\($0))" } ?? "")"
        case .unknownAddressFamily(let f): "unknown address family \(f)"
        }
    }
}

/// Something wrong with one layer of one frame. The layers below it still decoded.
public struct DecodeIssue: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The layer needed `needed` bytes from its start but only `available` were captured.
        case truncated(needed: Int, available: Int)
        case malformed(Malformation)
    }

    public var layer: Layer
    public var kind: Kind

    public init(_ layer: Layer, _ kind: Kind) {
        self.layer = layer
        self.kind = kind
    }

    public static func truncated(_ layer: Layer, needed: Int, available: Int) -> DecodeIssue {
        DecodeIssue(layer, .truncated(needed: needed, available: available))
    }

    public static func malformed(_ layer: Layer, _ why: Malformation) -> DecodeIssue {
        DecodeIssue(layer, .malformed(why))
    }

    /// True when the layer was cut by the capture's snapshot length, not damaged: the
    /// bytes it needed were on the wire (`uncaptured` bytes of the frame were not saved).
    /// tshark calls this a BoundsError and says "Packet size limited during capture";
    /// past the wire length it is a ReportedBoundsError, a malformed packet.
    public func isSnaplenCut(uncaptured: Int) -> Bool {
        guard uncaptured > 0, case .truncated(let needed, let available) = kind else { return false }
        return needed <= available + uncaptured
    }

    public var description: String {
        switch kind {
        case .truncated(let needed, let available):
            "\(layer): truncated (needed \(needed) bytes, \(available) available)"
        case .malformed(let why):
            "\(layer): malformed (\(why))"
        }
    }
}

/// What a layer decoder returns: the layer when its fixed header is there, and an issue
/// when something is cut short or wrong. Both may be set: a TCP header whose options are
/// cut short still yields ports and flags.
public struct Decoded<L> {
    public var layer: L?
    public var issue: DecodeIssue?

    @inlinable public init(_ layer: L?, issue: DecodeIssue? = nil) {
        self.layer = layer
        self.issue = issue
    }

    @inlinable public static func failed(_ issue: DecodeIssue) -> Decoded<L> { Decoded(nil, issue: issue) }
}
