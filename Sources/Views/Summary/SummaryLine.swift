import Dissect
import Follow

/// tshark's default one-line view: number, time, source → destination, protocol, length, info.
public struct SummaryLine {
    public enum TimeFormat: String, Sendable, CaseIterable {
        case relative = "r", absolute = "a", absoluteWithDate = "ad", epoch = "e", delta = "d"
        /// Since the previous displayed frame (tshark's `-t dd`).
        case deltaDisplayed = "dd"
    }

    public var timeFormat: TimeFormat = .relative
    public var color = false
    /// Cut lines to this many columns (for a terminal), ending them with `…`.
    public var width: Int?

    public init(timeFormat: TimeFormat = .relative, color: Bool = false, width: Int? = nil) {
        self.timeFormat = timeFormat
        self.color = color
        self.width = width
    }

    public func write(_ input: FieldInput, to out: OutputBuffer) {
        if color, let code = ColorRule.code(for: input) { out.string(code) }
        let lineStart = out.count
        var start = out.count
        out.decimal(input.frame.number)
        out.pad(from: start, to: 5, rightAlign: true)
        out.byte(32)
        start = out.count
        if input.frame.raw.hasTimestamp { writeTime(input, to: out) }
        out.pad(from: start, to: 10, rightAlign: true)
        out.byte(32)
        start = out.count
        writeAddress(input.frame, source: true, to: out)
        out.pad(from: start, to: 12, rightAlign: true)
        out.ascii(" → ")
        start = out.count
        writeAddress(input.frame, source: false, to: out)
        out.pad(from: start, to: 12)
        out.byte(32)
        out.string(protocolName(input))
        out.byte(32)
        out.decimal(input.frame.raw.originalLength)
        out.byte(32)
        InfoColumn.write(input, to: out)
        if let width { out.fitColumns(from: lineStart, width: width) }
        if color { out.ascii("\u{1b}[0m") }
        out.byte(10)
    }

    func writeTime(_ input: FieldInput, to out: OutputBuffer) {
        let t = input.frame.raw.timestamp
        let digits = input.frame.raw.timestampDigits
        switch timeFormat {
        case .relative: out.seconds(nanoseconds: t.nanoseconds(since: input.reference), digits: digits)
        case .delta: out.seconds(nanoseconds: t.nanoseconds(since: input.previous), digits: digits)
        case .deltaDisplayed: out.seconds(nanoseconds: input.sincePreviousDisplayed, digits: digits)
        case .epoch: out.epoch(t, digits: digits)
        case .absolute: CivilTime(t).writeTime(to: out, digits: digits)
        case .absoluteWithDate:
            let civil = CivilTime(t)
            civil.writeDate(to: out)
            out.byte(32)
            civil.writeTime(to: out, digits: digits)
        }
    }

    func writeAddress(_ frame: Frame, source: Bool, to out: OutputBuffer) {
        if let ip = frame.ipv4 {
            out.ipv4(source ? ip.source : ip.destination)
        } else if let ip = frame.ipv6 {
            out.ipv6(source ? ip.source : ip.destination)
        } else if let arp = frame.arp, let eth = frame.ethernet {
            _ = arp
            out.mac(source ? eth.source : eth.destination)
        } else if let hop = frame.opaqueTunnel, let ip = hop.ipv4 {
            out.ipv4(source ? ip.source : ip.destination)
        } else if let hop = frame.opaqueTunnel, let ip = hop.ipv6 {
            out.ipv6(source ? ip.source : ip.destination)
        } else if let eth = frame.ethernet {
            out.mac(source ? eth.source : eth.destination)
        } else if source, let sll = frame.sll, sll.addressLength == 6 {
            // A cooked capture keeps only the sender's link-layer address.
            out.mac(MACAddress(rawValue: sll.address >> 16))
        }
    }

    /// The protocol column: the highest layer tshark names there. GTP wraps the name of
    /// the packet it carries (`GTP <ICMP>`), as packet-gtp.c does.
    public func protocolName(_ input: FieldInput) -> String {
        if input.frame.tunnels.last?.gtp != nil { return "GTP <" + innerProtocolName(input) + ">" }
        return innerProtocolName(input)
    }

    private func innerProtocolName(_ input: FieldInput) -> String {
        if input.frame.raw.linkType.isPcapngCustomBlock { return "PCAPNG" }
        if input.frame.issues.first.map({ if case .malformed(.unsupportedLinkType) = $0.kind { true } else { false } }) == true {
            return input.frame.raw.linkType.name ?? "\(input.frame.raw.linkType.rawValue)"
        }
        switch input.frame.tcp != nil || input.frame.udp != nil ? input.analysis.application : .asDecoded {
        case .transportOnly:
            return input.frame.tcp.map { $0.options.multipath ? "MPTCP" : "TCP" } ?? "UDP"
        case .layers(let layer, _):
            switch layer {
            case .http: return "HTTP"
            case .tftp: return "TFTP"
            case .echo: return "ECHO"
            case .tls, .ssh: if let source = RecordSource(input) { return RecordInfo.protocolName(source) }
            default: break
            }
        case .asDecoded:
            if let source = RecordSource(input) { return RecordInfo.protocolName(source) }
        }
        if input.frame.protocols.last == .echo { return "ECHO" }
        if input.frame.protocols.last == .tftp { return "TFTP" }
        if input.frame.http != nil { return input.frame.protocols.last == .ssdp ? "SSDP" : "HTTP" }
        if let dhcp = input.frame.dhcpMessage { return DHCPInfo.protocolName(dhcp) }
        if input.frame.dhcpv6Message != nil { return "DHCPv6" }
        if input.frame.gtpHeader != nil { return "GTP" }
        if input.frame.nbnsMessage != nil { return "NBNS" }
        if input.frame.browserDatagram != nil { return "BROWSER" }
        if input.frame.krb4Message != nil { return "KRB4" }
        if input.frame.l2tpControl != nil { return "L2TP" }
        if let rip = input.frame.ripMessage { return RIPTree.protocolName(rip) }
        if input.frame.modbusADUs != nil { return "Modbus/TCP" }
        if input.frame.dns != nil {
            return input.frame.protocols.contains(.mdns) ? "MDNS" : input.frame.protocols.contains(.llmnr) ? "LLMNR" : "DNS"
        }
        if input.frame.icmpv6 != nil { return "ICMPv6" }
        if input.frame.icmp != nil { return "ICMP" }
        if let tcp = input.frame.tcp { return tcp.options.multipath ? "MPTCP" : "TCP" }
        if input.frame.udp != nil { return "UDP" }
        if input.frame.arp != nil { return "ARP" }
        if let eapol = input.frame.eapolMessage { return EAPOLTree.protocolName(eapol) }
        if let igmp = input.frame.igmpMessage { return IGMPInfo.protocolName(igmp) }
        if input.frame.espHeader != nil { return "ESP" }
        if input.frame.vrrpMessage != nil { return "VRRP" }
        if input.frame.lcpPacket != nil { return "PPP LCP" }
        if input.frame.ospfHeader != nil { return "OSPF" }
        if input.frame.mobilityHeader != nil { return "MIPv6" }
        if let cut = CutTransportHeader(input.frame) { return cut.protocolName }
        if input.frame.opaqueTunnel?.geneve != nil { return "Geneve" }
        if input.frame.ipv6 != nil { return "IPv6" }
        if input.frame.ipv4 != nil { return "IPv4" }
        if input.frame.bpdu != nil { return "STP" }
        if let type = UndecodedEtherType(input.frame) { return type.protocolName }
        if input.frame.ethernet != nil || input.frame.sll != nil { return "Ethernet" }
        if input.frame.nflog != nil { return "NFLOG" }
        return "Frame"
    }
}

/// An Ethernet II frame whose EtherType nothing here decodes. tshark's ethertype dissector
/// then names the protocol column after the number ("0x88b5") and leaves the Info column
/// as the Ethernet dissector set it, "Ethernet II".
struct UndecodedEtherType {
    let type: UInt16

    init?(_ frame: Frame) {
        guard let eth = frame.ethernet, frame.vlans.count == 0, frame.tunnels.isEmpty,
              frame.ipv4 == nil, frame.ipv6 == nil, frame.arp == nil, frame.pppoe == nil,
              eth.etherType > 1500, frame.protocols.last == .data || frame.protocols.last == .ethertype else { return nil }
        type = eth.etherType
    }

    var protocolName: String { "0x" + hex(UInt64(type), digits: 4) }
}

/// A timestamp broken into UTC date and time of day.
struct CivilTime {
    var year: Int64, month: Int, day: Int, hour: Int, minute: Int, second: Int, nanosecond: UInt32

    init(_ t: Timestamp) {
        // Floor division that cannot overflow, even at Int64.min (a saturated if_tsoffset).
        let days = t.seconds >= 0 ? t.seconds / 86400 : (t.seconds + 1) / 86400 - 1
        let secondsOfDay = Int(t.seconds &- days &* 86400)  // exact: the result is in 0..<86400
        hour = secondsOfDay / 3600
        minute = secondsOfDay / 60 % 60
        second = secondsOfDay % 60
        nanosecond = t.nanoseconds
        // Howard Hinnant's days-from-civil, inverted.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = Int(doy - (153 * mp + 2) / 5 + 1)
        month = Int(mp < 10 ? mp + 3 : mp - 9)
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    func writeDate(to out: OutputBuffer) {
        out.decimal(UInt64(max(year, 0)), width: 4)
        out.byte(45)
        out.decimal(UInt64(month), width: 2)
        out.byte(45)
        out.decimal(UInt64(day), width: 2)
    }

    func writeTime(to out: OutputBuffer, digits: Int = 9) {
        out.decimal(UInt64(hour), width: 2)
        out.byte(58)
        out.decimal(UInt64(minute), width: 2)
        out.byte(58)
        out.decimal(UInt64(second), width: 2)
        out.fraction(UInt64(nanosecond), digits: digits)
    }
}
