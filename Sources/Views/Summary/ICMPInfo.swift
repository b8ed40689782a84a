import Dissect

/// ICMP and ICMPv6 Info text, with tshark's names for types and codes.
enum ICMPInfo {
    static func write(_ icmp: ICMPv4, frame: Frame, to out: OutputBuffer) {
        switch icmp.type {
        case 0, 8:
            out.ascii(icmp.type == 8 ? "Echo (ping) request  id=" : "Echo (ping) reply    id=")
            out.hex(icmp.identifier, width: 4)
            out.ascii(", seq=")
            out.decimal(icmp.sequenceNumber)
            out.byte(47)
            out.decimal(icmp.sequenceNumber.byteSwapped)
            out.ascii(", ttl=")
            out.decimal(frame.ipv4?.ttl ?? 0)
        case 3:
            out.ascii("Destination unreachable (")
            out.string(unreachableCodes[Int(icmp.code)] ?? "Unknown code")
            out.byte(41)
        case 11:
            out.ascii(icmp.code == 0 ? "Time-to-live exceeded (Time to live exceeded in transit)"
                                     : "Time-to-live exceeded (Fragment reassembly time exceeded)")
        case 5: out.ascii("Redirect")
        case 4: out.ascii("Source quench (flow control)")
        case 12: out.ascii("Parameter problem")
        case 13: out.ascii("Timestamp request")
        case 14: out.ascii("Timestamp reply")
        default:
            out.ascii("Type ")
            out.decimal(icmp.type)
            out.ascii(", code ")
            out.decimal(icmp.code)
        }
    }

    static let unreachableCodes: [Int: String] = [
        0: "Network unreachable", 1: "Host unreachable", 2: "Protocol unreachable",
        3: "Port unreachable", 4: "Fragmentation needed", 5: "Source route failed",
        6: "Destination network unknown", 7: "Destination host unknown", 8: "Source host isolated",
        9: "Network administratively prohibited", 10: "Host administratively prohibited",
        11: "Network unreachable for TOS", 12: "Host unreachable for TOS",
        13: "Communication administratively filtered", 14: "Host precedence violation",
        15: "Precedence cutoff in effect",
    ]

    static func write(_ icmp: ICMPv6, frame: Frame, to out: OutputBuffer) {
        switch icmp.type {
        case 128, 129:
            out.ascii(icmp.type == 128 ? "Echo (ping) request id=" : "Echo (ping) reply id=")
            out.hex(icmp.identifier, width: 4)
            out.ascii(", seq=")
            out.decimal(icmp.sequenceNumber)
            out.ascii(", hop limit=")
            out.decimal(frame.ipv6?.hopLimit ?? 0)
        case 1:
            out.ascii("Destination Unreachable (")
            out.string(unreachableV6Codes[Int(icmp.code)] ?? "Unknown code")
            out.byte(41)
        case 2: out.ascii("Packet Too Big")
        case 3: out.ascii("Time Exceeded (hop limit exceeded in transit)")
        case 4: out.ascii("Parameter Problem")
        case 133:
            out.ascii("Router Solicitation")
            if let mac = linkLayerAddress(icmp, frame: frame, option: 1, optionsAt: 8) {
                out.ascii(" from ")
                out.mac(mac)
            }
        case 134: out.ascii("Router Advertisement")
        case 135:
            out.ascii("Neighbor Solicitation")
            if let target = icmp.ndpTarget {
                out.ascii(" for ")
                out.ipv6(target)
            }
            if let mac = linkLayerAddress(icmp, frame: frame, option: 1) {
                out.ascii(" from ")
                out.mac(mac)
            }
        case 136:
            out.ascii("Neighbor Advertisement")
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
        case 143: out.ascii("Multicast Listener Report Message v2")
        case 130: out.ascii("Multicast Listener Query")
        case 131: out.ascii("Multicast Listener Report")
        case 132: out.ascii("Multicast Listener Done")
        default:
            out.ascii("Type ")
            out.decimal(icmp.type)
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

    static let unreachableV6Codes: [Int: String] = [
        0: "no route to destination", 1: "Administratively prohibited", 2: "beyond scope of source address",
        3: "Address unreachable", 4: "Port unreachable", 5: "Source address failed ingress/egress policy",
        6: "Reject route to destination",
    ]
}
