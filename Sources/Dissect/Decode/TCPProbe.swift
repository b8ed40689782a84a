/// A cheap look at a raw frame for its TCP 4-tuple, the same parse as the benchmark's C
/// floor: Ethernet, up to two VLAN tags, IPv4 or IPv6, TCP. For views that need the TCP
/// segments of one conversation and must number every conversation to find it
/// (`follow --stream N`): most frames are then never decoded.
///
/// It answers only when the answer is certain to be what ``FrameDecoder`` would say.
/// Anything else (another link type, IP options cut short, a fragment, an IPv6
/// extension header, a tunnel, a TCP header that is not whole) is ``Result/unsure``: the
/// caller decodes that frame in full.
public enum TCPProbe {
    /// A TCP segment's addresses, ports and the header fields that decide `tcp.stream`.
    public struct Segment: Sendable {
        public var source: IPv6Address
        public var destination: IPv6Address
        public var isIPv6: Bool
        public var sourcePort: UInt16
        public var destinationPort: UInt16
        public var flags: TCPFlags
        public var sequenceNumber: UInt32
        public var acknowledgmentNumber: UInt32
    }

    public enum Result: Sendable {
        /// The decoder would find this TCP segment.
        case tcp(Segment)
        /// The decoder would find no TCP segment in this frame.
        case notTCP
        /// Decode the frame to know.
        case unsure
    }

    public static func probe(_ raw: RawFrame) -> Result {
        switch Network.find(raw) {
        case .ipv4(let ip): ipv4(raw.bytes, at: ip, end: raw.bytes.count)
        case .ipv6(let ip): ipv6(raw.bytes, at: ip, end: raw.bytes.count)
        case .other: .notTCP
        case .unsure: .unsure
        }
    }

    /// Where a raw frame's IP header starts, if the probe is sure of it.
    enum Network {
        case ipv4(Int)
        case ipv6(Int)
        /// No IP: ARP, LLC, another EtherType.
        case other
        case unsure

        static func find(_ raw: RawFrame) -> Network {
            guard raw.linkType == .ethernet else { return .unsure }
            let bytes = raw.bytes
            let end = bytes.count
            guard end >= Ethernet.headerLength else { return .unsure }
            var type = bytes.u16be(12)
            var offset = Ethernet.headerLength
            // The decoder follows up to eight tags; two cover what networks use.
            for _ in 0..<2 where EtherType.isVLAN(type) {
                guard offset + VLANTag.length <= end else { return .unsure }
                type = bytes.u16be(offset + 2)
                offset += VLANTag.length
            }
            switch type {
            case EtherType.ipv4: return .ipv4(offset)
            case EtherType.ipv6: return .ipv6(offset)
            case _ where EtherType.isVLAN(type): return .unsure
            // PPPoE carries IP a layer further in: the decoder's business.
            case PPPoESession.etherType: return .unsure
            // ARP, LLC, anything else: the decoder stops below IP.
            default: return .other
            }
        }
    }

    private static func ipv4(_ bytes: ByteView, at offset: Int, end: Int) -> Result {
        guard end - offset >= 20 else { return .unsure }
        let first = bytes[offset]
        let headerLength = Int(first & 0x0F) * 4
        guard first >> 4 == 4, headerLength >= 20, offset + headerLength <= end else { return .unsure }
        let totalLength = Int(bytes.u16be(offset + 2))
        // TSO's zero length and bogus lengths take the decoder's other paths.
        guard totalLength >= headerLength else { return .unsure }
        // A fragment goes through the decoder's reassembly, which only it may feed.
        guard bytes.u16be(offset + 6) & 0x3FFF == 0 else { return .unsure }
        let payloadStart = offset + headerLength
        let payloadEnd = min(offset + totalLength, end)
        let source = IPv6Address(high: 0, low: 0x0000_FFFF_0000_0000 | UInt64(bytes.u32be(offset + 12)))
        let destination = IPv6Address(high: 0, low: 0x0000_FFFF_0000_0000 | UInt64(bytes.u32be(offset + 16)))
        return transport(bytes, proto: bytes[offset + 9], source: source, destination: destination, isIPv6: false,
                         payload: payloadStart, end: payloadEnd)
    }

    private static func ipv6(_ bytes: ByteView, at offset: Int, end: Int) -> Result {
        guard end - offset >= 40, bytes[offset] >> 4 == 6 else { return .unsure }
        let payloadLength = Int(bytes.u16be(offset + 4))
        guard payloadLength != 0 else { return .unsure }
        let payloadEnd = min(offset + 40 + payloadLength, end)
        return transport(bytes, proto: bytes[offset + 6], source: IPv6Address(bytes, at: offset + 8),
                         destination: IPv6Address(bytes, at: offset + 24), isIPv6: true,
                         payload: offset + 40, end: payloadEnd)
    }

    private static func transport(_ bytes: ByteView, proto: UInt8, source: IPv6Address, destination: IPv6Address,
                                  isIPv6: Bool, payload start: Int, end: Int) -> Result {
        switch proto {
        case 6:
            // A whole header with a sane data offset; the decoder's other cases are left to it.
            guard end - start >= 20 else { return .unsure }
            let word = bytes.u16be(start + 12)
            let headerLength = Int(word >> 12) * 4
            guard headerLength >= 20, headerLength <= end - start else { return .unsure }
            return .tcp(Segment(source: source, destination: destination, isIPv6: isIPv6,
                                sourcePort: bytes.u16be(start), destinationPort: bytes.u16be(start + 2),
                                flags: TCPFlags(rawValue: word & 0x0FFF), sequenceNumber: bytes.u32be(start + 4),
                                acknowledgmentNumber: bytes.u32be(start + 8)))
        case 17:
            // VXLAN and Geneve carry a packet, maybe TCP.
            guard end - start >= 4 else { return .notTCP }
            let port = bytes.u16be(start + 2)
            return port == VXLAN.port || port == Geneve.port ? .unsure : .notTCP
        case 1, 58:
            // ICMP errors quote a TCP header, which numbers no stream.
            return .notTCP
        case 4, 41, 47:
            // IP-in-IP, 6in4, GRE.
            return .unsure
        default:
            // IPv6 extension headers (a fragment header among them) and the rest.
            return isIPv6 ? .unsure : .notTCP
        }
    }
}

/// The same cheap look as ``TCPProbe``, for views that keep every conversation
/// (`conversations`): the fields of the frame's TCP or UDP header that the follower counts,
/// read as `TCP.decode` and `UDP.decode` read them once the probe is sure of the layers
/// below, and what it counts of the IP layer. ``Result/unsure`` for anything else.
public enum TransportProbe {
    /// A TCP segment's or UDP datagram's header fields, compact: a view hands millions of
    /// them from one thread to another.
    public struct Segment: Sendable {
        public var source: IPv6Address
        public var destination: IPv6Address
        public var sequenceNumber: UInt32 = 0
        public var acknowledgmentNumber: UInt32 = 0
        /// The IP packet's length as its header gives it (Zeek's ip_bytes).
        public var ipBytes: Int32
        /// TCP: `tcp.len`, the payload length the IP header implies. UDP: the header's length field.
        public var length: Int32
        /// Where the payload starts in the frame, and how much of it was captured.
        public var payloadStart: Int32
        public var capturedPayload: Int32
        public var sourcePort: UInt16
        public var destinationPort: UInt16
        public var flags = TCPFlags(rawValue: 0)
        public var window: UInt16 = 0
        public var isTCP: Bool

        /// The segment as `TCP.decode` would give it, without the options.
        public var tcp: TCP {
            TCP(sourcePort: sourcePort, destinationPort: destinationPort, sequenceNumber: sequenceNumber,
                acknowledgmentNumber: acknowledgmentNumber, flags: flags, window: window,
                segmentLength: Int(length), capturedPayload: Int(capturedPayload))
        }
    }

    public enum Result {
        /// A TCP segment or UDP datagram (``Segment/isTCP``).
        case segment(Segment)
        /// Neither TCP nor UDP: the follower keeps no conversation for it.
        case other
        case unsure
    }

    public static func probe(_ raw: RawFrame) -> Result {
        let bytes = raw.bytes
        let end = bytes.count
        let source: IPv6Address, destination: IPv6Address
        let proto: UInt8, start: Int, payloadEnd: Int, declared: Int, ipBytes: Int, isIPv6: Bool
        switch TCPProbe.Network.find(raw) {
        case .other:
            return .other
        case .unsure:
            return .unsure
        case .ipv4(let offset):
            guard end - offset >= 20 else { return .unsure }
            let first = bytes[offset]
            let headerLength = Int(first & 0x0F) * 4
            guard first >> 4 == 4, headerLength >= 20, offset + headerLength <= end else { return .unsure }
            let totalLength = Int(bytes.u16be(offset + 2))
            guard totalLength >= headerLength, bytes.u16be(offset + 6) & 0x3FFF == 0 else { return .unsure }
            source = IPv6Address(high: 0, low: 0x0000_FFFF_0000_0000 | UInt64(bytes.u32be(offset + 12)))
            destination = IPv6Address(high: 0, low: 0x0000_FFFF_0000_0000 | UInt64(bytes.u32be(offset + 16)))
            proto = bytes[offset + 9]
            start = offset + headerLength
            payloadEnd = min(offset + totalLength, end)
            declared = totalLength - headerLength
            ipBytes = totalLength
            isIPv6 = false
        case .ipv6(let offset):
            guard end - offset >= 40, bytes[offset] >> 4 == 6 else { return .unsure }
            let payloadLength = Int(bytes.u16be(offset + 4))
            guard payloadLength != 0 else { return .unsure }
            source = IPv6Address(bytes, at: offset + 8)
            destination = IPv6Address(bytes, at: offset + 24)
            proto = bytes[offset + 6]
            start = offset + 40
            payloadEnd = min(offset + 40 + payloadLength, end)
            declared = payloadLength
            ipBytes = payloadLength + 40
            isIPv6 = true
        }
        switch proto {
        case 6:
            // TCP.decode's reading of a whole header with a sane data offset.
            guard payloadEnd - start >= 20 else { return .unsure }
            let word = bytes.u16be(start + 12)
            let headerLength = Int(word >> 12) * 4
            guard headerLength >= 20, headerLength <= payloadEnd - start else { return .unsure }
            var segment = Segment(source: source, destination: destination, ipBytes: Int32(ipBytes),
                                  length: Int32(max(declared - headerLength, 0)), payloadStart: Int32(start + headerLength),
                                  capturedPayload: Int32(payloadEnd - start - headerLength),
                                  sourcePort: bytes.u16be(start), destinationPort: bytes.u16be(start + 2), isTCP: true)
            segment.sequenceNumber = bytes.u32be(start + 4)
            segment.acknowledgmentNumber = bytes.u32be(start + 8)
            segment.flags = TCPFlags(rawValue: word & 0x0FFF)
            segment.window = bytes.u16be(start + 14)
            return .segment(segment)
        case 17:
            // UDP.decode's reading: a layer whenever the 8 header bytes are there.
            guard payloadEnd - start >= UDP.headerLength else { return .other }
            let port = bytes.u16be(start + 2)
            // VXLAN and Geneve carry a packet: the decoder's.
            guard port != VXLAN.port, port != Geneve.port else { return .unsure }
            let length = Int(bytes.u16be(start + 4))
            let payloadStart = start + UDP.headerLength
            let captured = length >= UDP.headerLength ? min(start + length, payloadEnd) - payloadStart : 0
            return .segment(Segment(source: source, destination: destination, ipBytes: Int32(ipBytes), length: Int32(length),
                                    payloadStart: Int32(payloadStart), capturedPayload: Int32(max(captured, 0)),
                                    sourcePort: bytes.u16be(start), destinationPort: port, isTCP: false))
        case 1, 58:
            return .other
        case 4, 41, 47:
            return .unsure
        default:
            return isIPv6 ? .unsure : .other
        }
    }
}
