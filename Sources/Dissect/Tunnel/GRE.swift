/// A GRE header (RFC 2784, with RFC 2890's key and sequence number), or PPTP's enhanced
/// GRE (RFC 2637: version 1, the key holds the payload length and the call ID, and an
/// acknowledgment number may follow the sequence number). Read in place.
public struct GRE: Sendable {
    public var offset: Int
    /// The first two bytes: flag bits and the version in the low three bits (`gre.flags_and_version`).
    public var flagsAndVersion: UInt16
    /// What the payload is, as an EtherType (`gre.proto`): 0x0800 IPv4, 0x86DD IPv6,
    /// 0x6558 transparent Ethernet bridging, 0x880B PPP.
    public var protocolType: UInt16
    public var checksum: UInt16?
    /// The reserved word after the checksum (the routing offset when R is set).
    public var reserved1: UInt16?
    public var key: UInt32?
    public var sequenceNumber: UInt32?
    public var acknowledgmentNumber: UInt32?
    public var headerLength: Int
    public var payload: Range<Int>

    public var version: UInt8 { UInt8(flagsAndVersion & 0x7) }
    public var hasChecksum: Bool { flagsAndVersion & 0x8000 != 0 }
    public var hasRouting: Bool { flagsAndVersion & 0x4000 != 0 }
    public var hasKey: Bool { flagsAndVersion & 0x2000 != 0 }
    public var hasSequenceNumber: Bool { flagsAndVersion & 0x1000 != 0 }
    /// PPTP's acknowledgment-present bit (version 1 only).
    public var hasAcknowledgment: Bool { version == 1 && flagsAndVersion & 0x0080 != 0 }
    /// PPTP: the key's high half is the payload length, the low half the call ID.
    public var pptpPayloadLength: UInt16? { version == 1 ? key.map { UInt16(truncatingIfNeeded: $0 >> 16) } : nil }
    public var pptpCallID: UInt16? { version == 1 ? key.map { UInt16(truncatingIfNeeded: $0) } : nil }

    public static let fixedLength = 4

    public enum ProtocolType {
        public static let transparentEthernet: UInt16 = 0x6558
        public static let ppp: UInt16 = 0x880B
        /// ERSPAN type I/II (0x88BE) and type III (0x22EB): a mirrored Ethernet frame.
        public static let erspan: UInt16 = 0x88BE
        public static let erspan3: UInt16 = 0x22EB
    }

    /// The length of the ERSPAN header after this GRE header: 0 for type I (0x88BE
    /// without a sequence number), 8 for type II, 12 for type III (+8 with the platform
    /// sub-header, O bit); nil when it is not ERSPAN or is cut short.
    public func erspanHeaderLength(_ bytes: ByteView) -> Int? {
        guard protocolType == ProtocolType.erspan || protocolType == ProtocolType.erspan3 else { return nil }
        if protocolType == ProtocolType.erspan && !hasSequenceNumber { return 0 }
        let at = payload.lowerBound
        guard at < payload.upperBound else { return nil }
        switch bytes[at] >> 4 {
        case 1: return at + 8 <= payload.upperBound ? 8 : nil
        case 2:
            guard at + 12 <= payload.upperBound else { return nil }
            return bytes[at + 11] & 0x01 != 0 ? 20 : 12
        default: return nil
        }
    }

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<GRE> {
        let end = Swift.min(end, bytes.count)
        let available = Swift.max(0, end - offset)
        guard offset >= 0, available >= fixedLength else {
            return .failed(.truncated(.gre, needed: fixedLength, available: available))
        }
        let flags = bytes.u16be(offset)
        var gre = GRE(offset: offset, flagsAndVersion: flags, protocolType: bytes.u16be(offset + 2),
                      headerLength: fixedLength, payload: end..<end)
        var needed = fixedLength
        if gre.hasChecksum || gre.hasRouting { needed += 4 }
        if gre.hasKey { needed += 4 }
        if gre.hasSequenceNumber { needed += 4 }
        if gre.hasAcknowledgment { needed += 4 }
        guard available >= needed else { return .failed(.truncated(.gre, needed: needed, available: available)) }
        var at = offset + fixedLength
        if gre.hasChecksum || gre.hasRouting {
            gre.checksum = bytes.u16be(at)
            gre.reserved1 = bytes.u16be(at + 2)
            at += 4
        }
        if gre.hasKey { gre.key = bytes.u32be(at); at += 4 }
        if gre.hasSequenceNumber { gre.sequenceNumber = bytes.u32be(at); at += 4 }
        if gre.hasAcknowledgment { gre.acknowledgmentNumber = bytes.u32be(at); at += 4 }
        gre.headerLength = at - offset
        gre.payload = at..<end
        return Decoded(gre)
    }
}

/// A PPP header as carried by PPTP's GRE (RFC 1661/1662): the optional address and
/// control bytes (0xFF 0x03) and a one- or two-byte protocol number.
public struct PPP: Sendable {
    public var offset: Int
    /// Address and control are present (not compressed away by ACFC).
    public var hasAddressControl: Bool
    public var protocolNumber: UInt16
    public var headerLength: Int
    public var payload: Range<Int>

    public static let ipv4: UInt16 = 0x0021
    public static let ipv6: UInt16 = 0x0057

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<PPP> {
        let end = Swift.min(end, bytes.count)
        var at = offset
        guard at >= 0, at < end else { return .failed(.truncated(.ppp, needed: 2, available: 0)) }
        // 0xFF is the address byte (never a compressed protocol): the control byte must follow.
        if bytes[at] == 0xFF && at + 1 >= end { return .failed(.truncated(.ppp, needed: 2, available: end - offset)) }
        let acfc = at + 1 < end && bytes[at] == 0xFF && bytes[at + 1] == 0x03
        if acfc { at += 2 }
        guard at < end else { return .failed(.truncated(.ppp, needed: at - offset + 1, available: end - offset)) }
        let proto: UInt16
        if bytes[at] & 1 == 1 {
            proto = UInt16(bytes[at])  // protocol-field compression: one odd byte
            at += 1
        } else {
            guard at + 2 <= end else { return .failed(.truncated(.ppp, needed: at - offset + 2, available: end - offset)) }
            proto = bytes.u16be(at)
            at += 2
        }
        return Decoded(PPP(offset: offset, hasAddressControl: acfc, protocolNumber: proto,
                           headerLength: at - offset, payload: at..<end))
    }
}
