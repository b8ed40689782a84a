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

    /// One word into the hasher instead of seven: the table is looked up for every packet.
    public func hash(into hasher: inout Hasher) {
        var h = low.address.high &* 0x9E37_79B9_7F4A_7C15
        h ^= low.address.low &+ (h << 6) &+ (h >> 2)
        h ^= high.address.high &* 0xC2B2_AE3D_27D4_EB4F &+ (h << 6) &+ (h >> 2)
        h ^= high.address.low &+ (h << 6) &+ (h >> 2)
        h ^= UInt64(low.port) << 32 | UInt64(high.port) << 16 | UInt64(proto)
        hasher.combine(h)
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
