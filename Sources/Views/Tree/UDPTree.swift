import Dissect
import Follow

/// UDP (RFC 768), with the stream index and timestamps the follower adds.
enum UDPTree {
    static let srcport = HeaderField("udp.srcport", "Source Port", .uint16)
    static let dstport = HeaderField("udp.dstport", "Destination Port", .uint16)
    static let port = HeaderField("udp.port", "Source or Destination Port", .uint16)
    static let length = HeaderField("udp.length", "Length", .uint16)
    static let checksum = HeaderField("udp.checksum", "Checksum", .uint16, .hex)
    static let checksumStatus = HeaderField("udp.checksum.status", "Checksum Status", .uint8, .none,
                                            names: .values([2: "Unverified", 3: "Not present", 4: "Illegal"]))
    static let stream = HeaderField("udp.stream", "Stream index", .uint32)
    static let timeRelative = HeaderField("udp.time_relative", "Time since first frame", .relativeTime)
    static let timeDelta = HeaderField("udp.time_delta", "Time since previous frame", .relativeTime)
    static let payload = HeaderField("udp.payload", "Payload", .bytes)

    static let declaration = ProtocolDeclaration("udp", "User Datagram Protocol", fields: [
        srcport, dstport, port, length, checksum, checksumStatus, stream, timeRelative, timeDelta, payload,
    ])

    /// `overIPv6`: the datagram rides on IPv6, where a zero checksum is not allowed (RFC 8200).
    static func dissect(_ udp: UDP, _ a: FrameAnalysis, overIPv6: Bool, _ tree: inout TreeBuilder) {
        let o = udp.offset
        let end = min(tree.bytes.count, udp.payload.upperBound)
        tree.open(declaration, o..<end, label: "User Datagram Protocol, Src Port: \(udp.sourcePort), Dst Port: \(udp.destinationPort)")
        header(udp, zeroChecksumIllegal: overIPv6, &tree)
        if let s = a.udpStream { tree.add(stream, nil, .uint(UInt64(s)), generated: true) }
        // tshark 4.0 keeps the clock on an empty datagram but shows no times for it.
        if let times = a.streamTimes, a.udpStream != nil, udp.length > 8 {
            tree.openText("Timestamps", generated: true)
            tree.add(timeRelative, nil, .relativeTime(times.sinceFirst), generated: true)
            tree.add(timeDelta, nil, .relativeTime(times.sincePrevious), generated: true)
            tree.close()
        }
        let payloadRange = udp.payload.lowerBound..<end
        if !payloadRange.isEmpty {
            tree.add(payload, payloadRange, .bytes(payloadRange), label: "UDP payload (\(payloadRange.count) byte\(payloadRange.count == 1 ? "" : "s"))")
        }
        tree.close()
    }

    /// The eight header bytes, shared with the copy quoted in an ICMP error (where tshark
    /// ignores a zero checksum whatever the IP version).
    static func header(_ udp: UDP, zeroChecksumIllegal: Bool, _ tree: inout TreeBuilder) {
        let o = udp.offset
        tree.add(srcport, o..<o + 2, .uint(UInt64(udp.sourcePort)))
        tree.add(dstport, o + 2..<o + 4, .uint(UInt64(udp.destinationPort)))
        tree.add(port, o..<o + 2, .uint(UInt64(udp.sourcePort)), hidden: true)
        tree.add(port, o + 2..<o + 4, .uint(UInt64(udp.destinationPort)), hidden: true)
        tree.add(length, o + 4..<o + 6, .uint(UInt64(udp.length)))
        guard udp.checksum == 0 else {
            tree.add(checksum, o + 6..<o + 8, .uint(UInt64(udp.checksum)), display: "0x\(hex(UInt64(udp.checksum), digits: 4)) [unverified]")
            tree.add(checksumStatus, nil, .uint(2), generated: true)
            return
        }
        // Zero means "no checksum" over IPv4 (RFC 768), as tunnels (VXLAN, Geneve) send it.
        tree.open(checksum, o + 6..<o + 8, .uint(0), display: "0x0000 [zero-value \(zeroChecksumIllegal ? "illegal" : "ignored")]")
        if zeroChecksumIllegal { tree.expert("udp.checksum.zero", .error, .checksum, "Illegal checksum value (0)") }
        tree.add(checksumStatus, nil, .uint(zeroChecksumIllegal ? 4 : 3), generated: true)
        tree.close()
    }
}

/// Bytes no dissector claimed (`data`).
enum DataTree {
    static let data = HeaderField("data.data", "Data", .bytes)
    static let len = HeaderField("data.len", "Length", .int32)
    static let declaration = ProtocolDeclaration("data", "Data", fields: [data, len])

    static func dissect(_ range: Range<Int>, _ tree: inout TreeBuilder) {
        guard !range.isEmpty else { return }
        tree.open(declaration, range, label: "Data (\(range.count) byte\(range.count == 1 ? "" : "s"))")
        tree.add(data, range, .bytes(range))
        tree.add(len, nil, .uint(UInt64(range.count)), generated: true)
        tree.close()
    }
}
