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
/// `ip.src` = `outer,inner`, tshark's order. The stack is inline (no allocation); a
/// tunnel nested deeper than ``TunnelStack/capacity`` is shown as data.
public struct TunnelHop: Sendable {
    public var ethernet: Ethernet?
    public var ipv4: IPv4?
    public var ipv6: IPv6?
    public var udp: UDP?
    public var gre: GRE?
    public var ppp: PPP?
    public var vxlan: VXLAN?
    public var geneve: Geneve?
    public init() {}
}

/// Up to ``capacity`` tunnel hops, outermost first, stored inline.
public struct TunnelStack: Sendable, Sequence {
    public static let capacity = 3
    public private(set) var count = 0
    private var storage: (TunnelHop?, TunnelHop?, TunnelHop?) = (nil, nil, nil)
    public init() {}

    public var isEmpty: Bool { count == 0 }
    public var isFull: Bool { count >= Self.capacity }

    public mutating func append(_ hop: TunnelHop) {
        switch count {
        case 0: storage.0 = hop
        case 1: storage.1 = hop
        case 2: storage.2 = hop
        default: return
        }
        count += 1
    }

    public subscript(i: Int) -> TunnelHop {
        precondition(i >= 0 && i < count)
        switch i {
        case 0: return storage.0!
        case 1: return storage.1!
        default: return storage.2!
        }
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
