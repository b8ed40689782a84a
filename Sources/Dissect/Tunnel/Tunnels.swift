/// The outer layers of a tunnelled packet.
///
/// How a Frame holds a tunnel: its ordinary layer slots (`ipv4`, `ipv6`, `udp`, `tcp`,
/// `ethernet`, …) always hold the *innermost* packet, so the summary line, the follower
/// (stream numbers, analysis, reassembly) and every view that reads one layer see the
/// inner conversation, as tshark's columns and `tcp.stream` do. When the decoder enters
/// a tunnel, it moves the layers the inner packet will fill again (the IP header, the
/// UDP header of VXLAN/Geneve, and the Ethernet header when an Ethernet frame is
/// inside) into a ``TunnelHop`` with the tunnel's own header (GRE, PPP, VXLAN,
/// Geneve), and clears those slots. Layers that are not repeated inside (the outer
/// Ethernet of a GRE or IP-in-IP packet, SLL, VLAN tags) stay where they are.
///
/// A repeated field lists each hop's value, outermost first, then the slot's value:
/// `ip.src` = `outer,inner`, tshark's order. The stack's room is made by the first
/// tunnel a frame holds and kept when the frame is reused; a tunnel nested deeper than
/// ``TunnelStack/capacity`` is shown as data.
public struct TunnelHop: Sendable {
    public var ethernet: Ethernet?
    public var ipv4: IPv4?
    public var ipv6: IPv6?
    public var udp: UDP?
    public var gre: GRE?
    public var l2tp: L2TP?
    public var ppp: PPP?
    public var vxlan: VXLAN?
    public var geneve: Geneve?
    public var gtp: GTPHeader?
    public init() {}
}

/// Up to ``capacity`` tunnel hops, outermost first.
///
/// On the heap: three hops inline (about 560 bytes each) made every decoded frame 1.7 KB
/// longer, and a pipeline holds a thousand frames. A reused frame keeps the room its
/// first tunnel made (``removeAll()``), so tunnelled packets do not allocate each time.
public struct TunnelStack: Sendable, Sequence {
    public static let capacity = 3
    private var hops: [TunnelHop] = []
    public init() {}

    public var count: Int { hops.count }
    public var isEmpty: Bool { hops.isEmpty }
    public var isFull: Bool { hops.count >= Self.capacity }

    public mutating func append(_ hop: TunnelHop) {
        guard hops.count < Self.capacity else { return }
        hops.append(hop)
    }

    /// Empties the stack, keeping its room.
    public mutating func removeAll() { hops.removeAll(keepingCapacity: true) }

    public subscript(i: Int) -> TunnelHop {
        precondition(i >= 0 && i < count)
        return hops[i]
    }

    public var first: TunnelHop? { count == 0 ? nil : self[0] }
    public var last: TunnelHop? { count == 0 ? nil : self[count - 1] }

    public struct Iterator: IteratorProtocol {
        let stack: TunnelStack
        var index = 0
        public mutating func next() -> TunnelHop? {
            guard index < stack.count else { return nil }
            defer { index += 1 }
            return stack[index]
        }
    }

    public func makeIterator() -> Iterator { Iterator(stack: self) }
}

extension TunnelHop {
    /// What the tunnel header carries: the bytes after GRE, PPP or Geneve.
    public var carried: Range<Int>? {
        if let ppp { return ppp.payload }
        if let geneve { return geneve.payload }
        if let gre { return gre.payload }
        if let vxlan { return vxlan.payload }
        if let gtp { return gtp.payload }
        return nil
    }
}

extension Frame {
    /// The innermost tunnel when nothing inside it was decoded, as for Geneve with a
    /// protocol type tcpwatch does not know: tshark then shows the outer addresses, names
    /// the tunnel in the protocol column and shows what it carries as data.
    public var opaqueTunnel: TunnelHop? {
        guard ipv4 == nil, ipv6 == nil, arp == nil, let last = tunnels.last, last.ethernet == nil else { return nil }
        return last
    }
}
