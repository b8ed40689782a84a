import Testing
@testable import Dissect

@Suite struct TunnelTests {
    typealias V = TransportVectors
    typealias T = TunnelVectors

    static func decode(_ bytes: [UInt8], depth: FrameDecoder.Depth = .application, cut: Int? = nil,
                       _ body: (Frame) throws -> Void) rethrows {
        try bytes.withUnsafeBytes { raw in
            let view = ByteView(raw).slice(0..<(cut ?? bytes.count))
            let frame = Frame()
            FrameDecoder.decode(RawFrame(bytes: view, timestamp: .zero, originalLength: bytes.count, linkType: .ethernet),
                                number: 1, into: frame, depth: depth)
            try body(frame)
        }
    }

    // tshark: Generic Routing Encapsulation (IP), Key: 0x0000002a, Sequence Number: 1
    @Test func greWithKeyAndSequence() throws {
        try V.with(T.greSYN) { b in
            let d = GRE.decode(b, at: 34, end: b.count)
            #expect(d.issue == nil)
            let gre = try #require(d.layer)
            #expect(gre.flagsAndVersion == 0x3000)
            #expect(gre.version == 0)
            #expect(gre.protocolType == 0x0800)
            #expect(gre.checksum == nil)
            #expect(gre.key == 42)
            #expect(gre.sequenceNumber == 1)
            #expect(gre.acknowledgmentNumber == nil)
            #expect(gre.headerLength == 12)
            #expect(gre.payload == 46..<b.count)
        }
    }

    @Test func greTruncatedAtEveryByte() {
        V.with(T.greSYN) { b in
            for cut in 34...b.count {
                let d = GRE.decode(b, at: 34, end: cut)
                let available = cut - 34
                if available < 4 {
                    #expect(d.issue == .truncated(.gre, needed: 4, available: available))
                } else if available < 12 {
                    #expect(d.issue == .truncated(.gre, needed: 12, available: available))
                } else {
                    #expect(d.issue == nil)
                    #expect(d.layer?.payload == 46..<cut)
                }
            }
        }
    }

    // tshark: Generic Routing Encapsulation (PPP), Payload Length: 64, Call ID: 4660,
    // Sequence Number: 1, Acknowledgment Number: 1; Point-to-Point Protocol, Protocol: IPv4 (0x0021)
    @Test func pptpEnhancedGRE() throws {
        try V.with(T.pptpSYNACK) { b in
            let gre = try #require(GRE.decode(b, at: 34, end: b.count).layer)
            #expect(gre.version == 1)
            #expect(gre.protocolType == GRE.ProtocolType.ppp)
            #expect(gre.pptpPayloadLength == 64)
            #expect(gre.pptpCallID == 0x1234)
            #expect(gre.sequenceNumber == 1)
            #expect(gre.acknowledgmentNumber == 1)
            #expect(gre.headerLength == 16)
            let ppp = try #require(PPP.decode(b, at: 50, end: b.count).layer)
            #expect(ppp.hasAddressControl)
            #expect(ppp.protocolNumber == PPP.ipv4)
            #expect(ppp.headerLength == 4)
            #expect(ppp.payload == 54..<b.count)
            for cut in 34..<50 {
                #expect(GRE.decode(b, at: 34, end: cut).layer == nil)
            }
        }
    }

    @Test func pppCompressedFields() throws {
        // ACFC and PFC: no FF 03, a one-byte protocol (0x21).
        try V.with([0x21, 0x45, 0x00]) { b in
            let ppp = try #require(PPP.decode(b, at: 0, end: b.count).layer)
            #expect(!ppp.hasAddressControl)
            #expect(ppp.protocolNumber == 0x21)
            #expect(ppp.headerLength == 1)
        }
        V.with([0xFF, 0x03, 0x00]) { b in
            #expect(PPP.decode(b, at: 0, end: b.count).issue == .truncated(.ppp, needed: 4, available: 3))
            #expect(PPP.decode(b, at: 0, end: 2).issue == .truncated(.ppp, needed: 3, available: 2))
            #expect(PPP.decode(b, at: 0, end: 1).issue == .truncated(.ppp, needed: 2, available: 1))
            #expect(PPP.decode(b, at: 0, end: 0).issue == .truncated(.ppp, needed: 2, available: 0))
        }
    }

    // tshark: Virtual eXtensible Local Area Network, Flags: 0x0800, VNI: 42
    @Test func vxlan() throws {
        try V.with(T.vxlanSYN) { b in
            let vx = try #require(VXLAN.decode(b, at: 42, end: b.count).layer)
            #expect(vx.flags == 0x0800)
            #expect(vx.groupPolicyID == 0)
            #expect(vx.vni == 42)
            #expect(vx.reserved == 0)
            #expect(vx.payload == 50..<b.count)
            for cut in 42..<50 {
                #expect(VXLAN.decode(b, at: 42, end: cut).issue == .truncated(.vxlan, needed: 8, available: cut - 42))
            }
        }
    }

    @Test func geneveWithOptions() throws {
        // Version 0, 4 bytes of options, C flag, Ethernet inside, VNI 0x000005.
        let h: [UInt8] = [0x01, 0x40, 0x65, 0x58, 0x00, 0x00, 0x05, 0x00, 0x01, 0x02, 0x80, 0x00, 0xAA]
        try V.with(h) { b in
            let g = try #require(Geneve.decode(b, at: 0, end: b.count).layer)
            #expect(g.version == 0)
            #expect(g.optionsLength == 4)
            #expect(g.flags == 0x40)
            #expect(g.protocolType == 0x6558)
            #expect(g.vni == 5)
            #expect(g.options == 8..<12)
            #expect(g.payload == 12..<13)
            for cut in 0..<8 { #expect(Geneve.decode(b, at: 0, end: cut).issue == .truncated(.geneve, needed: 8, available: cut)) }
            for cut in 8..<12 { #expect(Geneve.decode(b, at: 0, end: cut).issue == .truncated(.geneve, needed: 12, available: cut)) }
        }
    }

    /// Options are walked one TLV at a time; one whose length runs past the options area
    /// ends the walk and is returned on its own (tshark's "past end of options").
    @Test func geneveOptionWalk() throws {
        // 12 bytes of options: OVN's (class 0x0102, type 0x80, 4 data bytes), then a head that
        // claims 12 more bytes where only 0 remain.
        let h: [UInt8] = [0x03, 0x40, 0x65, 0x58, 0x00, 0x00, 0x2A, 0x00,
                          0x01, 0x02, 0x80, 0x01, 0x00, 0x01, 0x00, 0x02,
                          0x01, 0x00, 0xA1, 0x03]
        try V.with(h) { b in
            let g = try #require(Geneve.decode(b, at: 0, end: b.count).layer)
            let (options, overrun) = g.walkOptions(b)
            #expect(options == [Geneve.Option(offset: 8, optionClass: 0x0102, type: 0x80, flags: 0, length: 8)])
            #expect(options[0].isCritical && options[0].data == 12..<16 && options[0].classAndType == 0x010280)
            #expect(overrun == Geneve.Option(offset: 16, optionClass: 0x0100, type: 0xA1, flags: 0, length: 16))
        }
    }

    /// PPPoE session data (RFC 2516) carries PPP without address and control, then IPv4:
    /// the frame's IP and TCP slots hold the packet, and the stated length bounds it.
    @Test func pppoeSessionDecodesInnerTCP() throws {
        let inner = Array(T.greSYN[46...])  // IPv4 and the TCP SYN of gre-tcp.pcap frame 1
        let pppLength = UInt16(2 + inner.count)
        let frame: [UInt8] = Array(T.greSYN[0..<12]) + [0x88, 0x64, 0x11, 0x00, 0x3B, 0x1A,
                                                        UInt8(pppLength >> 8), UInt8(pppLength & 0xFF), 0x00, 0x21]
            + inner + [0, 0, 0, 0]  // Ethernet padding past the PPPoE length
        try Self.decode(frame) { f in
            let pppoe = try #require(f.pppoe)
            #expect(pppoe.version == 1 && pppoe.type == 1 && pppoe.code == 0 && pppoe.sessionID == 0x3B1A)
            #expect(pppoe.payload == 20..<20 + Int(pppLength))
            #expect(f.ppp?.protocolNumber == PPP.ipv4)
            #expect(f.tcp?.destinationPort == 8080)
            #expect(Array(f.protocols) == [.eth, .ethertype, .pppoes, .ppp, .ip, .tcp])
        }
        for cut in 14..<20 {
            Self.decode(frame, cut: cut) { f in
                #expect(f.pppoe == nil)
                #expect(f.issues.first == .truncated(.pppoes, needed: 6, available: cut - 14))
            }
        }
    }

    /// The frame's slots hold the inner packet, the hop the outer IP header.
    @Test func greFrameDecodesInnerTCP() throws {
        try Self.decode(T.greSYN) { frame in
            #expect(frame.protocols.map(\.description).joined(separator: ":") == "eth:ethertype:ip:gre:ip:tcp")
            #expect(frame.tunnels.count == 1)
            let hop = try #require(frame.tunnels.first)
            #expect(hop.ipv4?.source.description == "10.79.0.1")
            #expect(hop.gre?.key == 42)
            #expect(frame.ipv4?.source.description == "192.168.79.1")
            #expect(frame.tcp?.destinationPort == 8080)
            #expect(frame.ethernet != nil)
        }
    }

    @Test func pptpFrameDecodesInnerTCP() {
        Self.decode(T.pptpSYNACK) { frame in
            #expect(frame.protocols.map(\.description).joined(separator: ":") == "eth:ethertype:ip:gre:ppp:ip:tcp")
            #expect(frame.tunnels.first?.ppp?.protocolNumber == PPP.ipv4)
            #expect(frame.ipv4?.source.description == "192.168.83.2")
            #expect(frame.tcp?.sourcePort == 8080)
        }
    }

    /// VXLAN's inner packet is decoded even at transport depth: the follower needs it.
    @Test(arguments: [FrameDecoder.Depth.transport, .application])
    func vxlanFrameDecodesInnerTCP(depth: FrameDecoder.Depth) throws {
        try Self.decode(T.vxlanSYN, depth: depth) { frame in
            #expect(frame.protocols.map(\.description).joined(separator: ":") == "eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:tcp")
            let hop = try #require(frame.tunnels.first)
            #expect(hop.udp?.destinationPort == 4789)
            #expect(hop.vxlan?.vni == 42)
            #expect(hop.ethernet?.source.description == "be:fd:4e:85:c1:03")
            #expect(frame.ethernet?.source.description == "ce:e3:52:c1:b1:c2")
            #expect(frame.udp == nil)
            #expect(frame.ipv4?.destination.description == "192.168.80.2")
            #expect(frame.tcp?.destinationPort == 8080)
        }
    }

    /// Cut anywhere, a tunnelled frame keeps what decoded: the outer layers in the hop,
    /// never the same header in a slot and a hop, an issue when something is cut.
    @Test(arguments: [T.greSYN, T.pptpSYNACK, T.vxlanSYN])
    func truncatedTunnelFrames(vector: [UInt8]) {
        for cut in 0...vector.count {
            Self.decode(vector, cut: cut) { frame in
                #expect(frame.tunnels.count <= 1)
                if let hop = frame.tunnels.first, let outer = hop.ipv4, let inner = frame.ipv4 {
                    #expect(outer.offset != inner.offset)
                }
                if cut < vector.count - 20 { #expect(!frame.issues.isEmpty, "cut at \(cut)") }
            }
        }
    }

    /// Tunnels nested deeper than the stack holds stop there, as data.
    @Test func nestedIPinIPStopsAtCapacity() {
        // Ethernet + 5 nested IPv4 headers (proto 4), each 20 bytes, then nothing.
        var bytes: [UInt8] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00]
        for level in 0..<5 {
            let total = UInt16(20 * (5 - level))
            bytes += [0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), 0, 0, 0, 0, 64, 4, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]
        }
        Self.decode(bytes) { frame in
            #expect(frame.tunnels.count == TunnelStack.capacity)
            #expect(frame.ipv4 != nil)
            #expect(frame.protocols.last == .data)
        }
    }

    /// ERSPAN: type I (GRE 0x88BE without a sequence number) has no header of its own,
    /// type II an 8-byte one; a mirrored Ethernet frame follows either.
    @Test(arguments: [false, true])
    func erspan(typeII: Bool) {
        let inner: [UInt8] = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x06] + [UInt8](repeating: 0, count: 28)
        let gre: [UInt8] = typeII ? [0x10, 0x00, 0x88, 0xBE, 0, 0, 0, 1] + [0x10, 0x01, 0x00, 0x05, 0, 0, 0, 0] : [0x00, 0x00, 0x88, 0xBE]
        let total = 20 + gre.count + inner.count
        let bytes: [UInt8] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00]
            + [0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), 0, 0, 0, 0, 64, 47, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2] + gre + inner
        Self.decode(bytes) { frame in
            let stack = frame.protocols.map(\.description).joined(separator: ":")
            #expect(stack == (typeII ? "eth:ethertype:ip:gre:erspan:eth:ethertype:arp" : "eth:ethertype:ip:gre:eth:ethertype:arp"))
            #expect(frame.tunnels.first?.ethernet?.source.description == "06:07:08:09:0a:0b")
            #expect(frame.ethernet?.offset == 34 + gre.count)
            #expect(frame.arp != nil)
        }
        for cut in 0..<bytes.count { Self.decode(bytes, cut: cut) { frame in #expect(frame.tunnels.count <= 1) } }
    }
}
