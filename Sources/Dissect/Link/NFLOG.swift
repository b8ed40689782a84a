/// Linux's netfilter log (LINKTYPE_NFLOG, 239): what `tcpdump -i nflog:N` captures from
/// an iptables/nftables `log group N` rule. A 4-byte header (family, version, resource id,
/// big-endian) and then TLVs whose length and type are in the byte order of the host that
/// logged them (tcpdump.org/linktypes/LINKTYPE_NFLOG.html); the packet is the
/// NFULA_PAYLOAD TLV's value.
public struct NFLOG: Sendable {
    public static let headerLength = 4

    /// The netfilter protocol family (`nflog.family`): 2 IPv4, 10 IPv6, 7 bridge, ...
    public var family: UInt8
    public var version: UInt8
    /// The log group (`nflog.res_id`).
    public var resourceID: UInt16
    /// The byte order of the TLVs' length and type, told from their values.
    public var littleEndian: Bool
    /// The NFULA_PAYLOAD value, as far as it was captured.
    public var payload: Range<Int>?
    /// NFULA_PACKET_HDR's hardware protocol, an EtherType (0 when absent).
    public var hardwareProtocol: UInt16

    /// The netfilter attribute types (`enum nfulnl_attr_type` of <linux/netfilter/nfnetlink_log.h>).
    public enum AttributeType: UInt16, Sendable {
        case unspec, packetHeader, mark, timestamp, inDevice, outDevice, physicalInDevice, physicalOutDevice
        case hardwareAddress, payload, prefix, uid, sequence, globalSequence, gid, hardwareType
        case hardwareHeader, hardwareHeaderLength
    }

    /// One TLV: its type (the top "nested" bit cleared), its declared length, and where it starts.
    public struct TLV: Sendable {
        public var type: UInt16
        public var length: UInt16
        public var offset: Int
        public var value: Range<Int> { offset + 4..<offset + Int(length) }
    }

    /// Calls `body` for each TLV as tshark walks them: while four bytes remain, stopping at a
    /// length under 4; each TLV is padded to four bytes.
    public func forEachTLV(_ bytes: ByteView, end: Int, _ body: (TLV) -> Void) {
        var offset = Self.headerLength
        while end - offset >= 4 {
            let length = bytes.u16(offset, bigEndian: !littleEndian)
            if length < 4 { return }
            body(TLV(type: bytes.u16(offset + 2, bigEndian: !littleEndian) & 0x7FFF, length: length, offset: offset))
            offset += (Int(length) + 3) & ~3
        }
    }

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<NFLOG> {
        guard offset == 0, end >= headerLength else {
            return .failed(.truncated(.nflog, needed: headerLength, available: end - offset))
        }
        // The logging host's order is not recorded: a first length that fits says which it was.
        var littleEndian = true
        if end >= 8 {
            let le = Int(bytes.u16le(4)), be = Int(bytes.u16be(4))
            littleEndian = (4...end - 4).contains(le) || !(4...end - 4).contains(be)
        }
        let header = NFLOG(family: bytes[0], version: bytes[1], resourceID: bytes.u16be(2),
                           littleEndian: littleEndian, payload: nil, hardwareProtocol: 0)
        var nflog = header
        header.forEachTLV(bytes, end: end) { tlv in
            switch AttributeType(rawValue: tlv.type) {
            case .packetHeader where tlv.length == 8:
                nflog.hardwareProtocol = bytes.u16be(tlv.offset + 4)
            case .payload:
                nflog.payload = tlv.value.lowerBound..<min(tlv.value.upperBound, end)
            default:
                break
            }
        }
        return Decoded(nflog)
    }
}
