import Dissect

/// ICMP and ICMPv6 Info text, with tshark's names for types and codes.
enum ICMPInfo {
    /// packet-icmp.c's Info: the type's name padded to 20 columns, the code's name for the
    /// types that name their codes, and an echo's or a query's identifiers.
    static func write(_ icmp: ICMPv4, frame: Frame, to out: OutputBuffer) {
        let name = ICMPNames.type(icmp.type, code: icmp.code)
        out.string(name)
        for _ in name.utf8.count..<max(20, name.utf8.count) { out.byte(32) }
        if let code = ICMPNames.code(type: icmp.type, code: icmp.code) {
            out.ascii(" (")
            out.string(code)
            out.byte(41)
        }
        guard ICMPNames.hasIdentifier(icmp.type) else { return }
        out.ascii(" id=")
        out.hex(icmp.identifier, width: 4)
        out.ascii(", seq=")
        out.decimal(icmp.sequenceNumber)
        out.byte(47)
        out.decimal(icmp.sequenceNumber.byteSwapped)
        out.ascii(", ttl=")
        out.decimal(frame.ipv4?.ttl ?? 0)
    }

    static func write(_ icmp: ICMPv6, frame: Frame, to out: OutputBuffer) {
        out.string(ICMPv6Names.type(icmp.type))
        if let code = ICMPv6Names.code(type: icmp.type, code: icmp.code) {
            out.ascii(" (")
            out.string(code)
            out.byte(41)
        }
        switch icmp.type {
        case 128, 129:
            out.ascii(" id=")
            out.hex(icmp.identifier, width: 4)
            out.ascii(", seq=")
            out.decimal(icmp.sequenceNumber)
            out.ascii(", hop limit=")
            out.decimal(frame.ipv6?.hopLimit ?? 0)
        case 133, 134:
            // A solicitation's options start after 8 bytes, an advertisement's after 16.
            if let mac = linkLayerAddress(icmp, frame: frame, option: 1, optionsAt: icmp.type == 133 ? 8 : 16) {
                out.ascii(" from ")
                out.mac(mac)
            }
        case 135:
            if let target = icmp.ndpTarget {
                out.ascii(" for ")
                out.ipv6(target)
            }
            if let mac = linkLayerAddress(icmp, frame: frame, option: 1) {
                out.ascii(" from ")
                out.mac(mac)
            }
        case 136:
            if let target = icmp.ndpTarget {
                out.byte(32)
                out.ipv6(target)
            }
            let flags = [(UInt32(1) << 31, "rtr"), (1 << 30, "sol"), (1 << 29, "ovr")]
                .filter { icmp.restOfHeader & $0.0 != 0 }.map(\.1)
            if !flags.isEmpty {
                out.ascii(" (")
                out.string(flags.joined(separator: ", "))
                out.byte(41)
            }
            if let mac = linkLayerAddress(icmp, frame: frame, option: 2) {
                out.ascii(" is at ")
                out.mac(mac)
            }
        default:
            break
        }
    }

    /// The source (1) or target (2) link-layer address option of a neighbor message.
    static func linkLayerAddress(_ icmp: ICMPv6, frame: Frame, option wanted: UInt8, optionsAt: Int = 24) -> MACAddress? {
        let bytes = frame.bytes
        var offset = icmp.offset + optionsAt
        let end = icmp.payload.upperBound
        while offset + 2 <= end {
            let type = bytes[offset], length = Int(bytes[offset + 1]) * 8
            guard length > 0, offset + length <= end else { return nil }
            if type == wanted && length >= 8 { return MACAddress(bytes, at: offset + 2) }
            offset += length
        }
        return nil
    }
}
