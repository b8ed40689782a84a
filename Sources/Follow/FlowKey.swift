import Dissect

/// An IP address of either family, as 128 bits (IPv4 is stored IPv4-mapped).
public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(_ v4: IPv4Address) {
        high = 0
        low = 0x0000_FFFF_0000_0000 | UInt64(v4.rawValue)
    }

    public init(_ v6: IPv6Address) {
        high = v6.high
        low = v6.low
    }

    public var isIPv4: Bool { high == 0 && low >> 32 == 0x0000_FFFF }
    public var ipv4: IPv4Address? { isIPv4 ? IPv4Address(rawValue: UInt32(truncatingIfNeeded: low)) : nil }

    public static func < (a: IPAddress, b: IPAddress) -> Bool { (a.high, a.low) < (b.high, b.low) }

    public var description: String {
        if let v4 = ipv4 { return v4.description }
        return IPv6Address(high: high, low: low).description
    }
}

/// One side of a conversation: an address and a port.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    public var description: String {
        address.isIPv4 ? "\(address):\(port)" : "[\(address)]:\(port)"
    }

    static func < (a: Endpoint, b: Endpoint) -> Bool { (a.address, a.port) < (b.address, b.port) }
}

/// A symmetric key: both directions of a conversation give the same key.
public struct FlowKey: Hashable, Sendable {
    public var low: Endpoint
    public var high: Endpoint
    public var proto: UInt8

    /// The whole key goes into the (seeded SipHash) hasher: addresses and ports come from
    /// the capture, and a key folded into one word before hashing would let a crafted
    /// capture make all its flows collide whatever the seed. Two IPv4 addresses fit one
    /// word, so the common case hashes two words rather than five (SipHash counts the
    /// bytes, so the two shapes cannot collide with each other).
    public func hash(into hasher: inout Hasher) {
        let ports = UInt64(low.port) << 32 | UInt64(high.port) << 16 | UInt64(proto)
        if low.address.isIPv4 && high.address.isIPv4 {
            hasher.combine(low.address.low << 32 | high.address.low & 0xFFFF_FFFF)
            hasher.combine(ports)
        } else {
            hasher.combine(low.address.high)
            hasher.combine(low.address.low)
            hasher.combine(high.address.high)
            hasher.combine(high.address.low)
            hasher.combine(ports)
        }
    }

    /// The key and whether `source` is the lower endpoint.
    public static func make(source: Endpoint, destination: Endpoint, proto: UInt8) -> (key: FlowKey, sourceIsLow: Bool) {
        if source < destination || source == destination {
            return (FlowKey(low: source, high: destination, proto: proto), true)
        }
        return (FlowKey(low: destination, high: source, proto: proto), false)
    }
}

extension Frame {
    /// Source and destination addresses of the outer IP layer.
    public var ipAddresses: (source: IPAddress, destination: IPAddress)? {
        if let ip = ipv4 { return (IPAddress(ip.source), IPAddress(ip.destination)) }
        if let ip = ipv6 { return (IPAddress(ip.source), IPAddress(ip.destination)) }
        return nil
    }
}
