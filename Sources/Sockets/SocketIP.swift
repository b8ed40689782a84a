/// An IP address of either family as 128 bits, IPv4 stored IPv4-mapped (`::ffff:a.b.c.d`).
///
/// The layout is the same as `Follow.IPAddress` (`high`, `low`), so a live view converts
/// with `SocketIP(high: a.high, low: a.low)`. An IPv4 socket from `/proc/net/tcp` and a
/// dual-stack IPv6 socket from `/proc/net/tcp6` holding `::ffff:a.b.c.d` therefore compare
/// equal; `SocketEntry.family` remembers which table a socket came from.
public struct SocketIP: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// An IPv4 address from its value in network order as a number (127.0.0.1 is 0x7F000001).
    public init(ipv4 value: UInt32) {
        high = 0
        low = 0x0000_FFFF_0000_0000 | UInt64(value)
    }

    /// From 4 or 16 bytes in network order; nil for any other count.
    public init?(bytes: [UInt8]) {
        switch bytes.count {
        case 4:
            self.init(ipv4: bytes.reduce(0) { $0 << 8 | UInt32($1) })
        case 16:
            self.init(high: bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) },
                      low: bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
        default:
            return nil
        }
    }

    /// Parses dotted IPv4 (`10.0.2.15`) or IPv6 text (`::1`, `fe80::1`, `::ffff:10.0.0.1`).
    public init?(_ text: String) {
        if let v4 = SocketIP.parseIPv4(Substring(text)) {
            self.init(ipv4: v4)
            return
        }
        guard let bytes = SocketIP.parseIPv6(text) else { return nil }
        self.init(bytes: bytes)
    }

    public static let ipv4Any = SocketIP(ipv4: 0)
    public static let ipv6Any = SocketIP(high: 0, low: 0)

    /// True for IPv4 and IPv4-mapped IPv6 addresses.
    public var isIPv4: Bool { high == 0 && low >> 32 == 0x0000_FFFF }
    public var ipv4: UInt32? { isIPv4 ? UInt32(truncatingIfNeeded: low) : nil }
    /// 0.0.0.0 or `::` (and `::ffff:0.0.0.0`): a socket bound to every address.
    public var isUnspecified: Bool { (high == 0 && low == 0) || (isIPv4 && ipv4 == 0) }

    /// The 16 bytes in network order.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }

    public static func < (a: SocketIP, b: SocketIP) -> Bool { (a.high, a.low) < (b.high, b.low) }

    /// Dotted quad for IPv4 and mapped addresses, RFC 5952 text otherwise.
    public var description: String { ipv4.map(SocketIP.dotted) ?? ipv6Text }

    /// RFC 5952 text, as `ss` prints tcp6 sockets: mapped addresses as `::ffff:a.b.c.d`.
    public var ipv6Text: String {
        if let v4 = ipv4 { return "::ffff:" + SocketIP.dotted(v4) }
        let b = bytes
        let groups = (0..<8).map { UInt16(b[2 * $0]) << 8 | UInt16(b[2 * $0 + 1]) }
        // The longest run of two or more zero groups becomes "::" (the first one on a tie).
        var bestStart = -1, bestLength = 0, i = 0
        while i < 8 {
            guard groups[i] == 0 else { i += 1; continue }
            var j = i
            while j < 8 && groups[j] == 0 { j += 1 }
            if j - i > bestLength && j - i >= 2 { bestStart = i; bestLength = j - i }
            i = j
        }
        let hex = groups.map { String($0, radix: 16) }
        if bestStart < 0 { return hex.joined(separator: ":") }
        let head = hex[0..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }

    static func dotted(_ v: UInt32) -> String {
        "\(v >> 24).\(v >> 16 & 0xFF).\(v >> 8 & 0xFF).\(v & 0xFF)"
    }

    static func parseIPv4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, let n = UInt32(part), n <= 255 else { return nil }
            value = value << 8 | n
        }
        return value
    }

    static func parseIPv6(_ text: String) -> [UInt8]? {
        var text = Substring(text)
        var tailV4: [UInt8] = []
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = parseIPv4(text[text.index(after: lastColon)...]) else { return nil }
            tailV4 = [UInt8(v4 >> 24), UInt8(v4 >> 16 & 0xFF), UInt8(v4 >> 8 & 0xFF), UInt8(v4 & 0xFF)]
            text = text[...lastColon]
            if text.hasSuffix("::") == false { text = text.dropLast() }
        }
        func groups(_ s: Substring) -> [UInt16]? {
            if s.isEmpty { return [] }
            var out: [UInt16] = []
            for g in s.split(separator: ":", omittingEmptySubsequences: false) {
                guard !g.isEmpty, g.count <= 4, let v = UInt16(g, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        let wanted = tailV4.isEmpty ? 8 : 6
        var all: [UInt16]
        if let start = text.indices.first(where: { text[$0...].hasPrefix("::") }) {
            let end = text.index(start, offsetBy: 2)
            guard let head = groups(text[..<start]),
                  let tail = groups(text[end...]),
                  head.count + tail.count < wanted else { return nil }
            all = head + Array(repeating: 0, count: wanted - head.count - tail.count) + tail
        } else {
            guard let g = groups(text), g.count == wanted else { return nil }
            all = g
        }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } + tailV4
    }
}

/// An address and a port.
public struct SocketEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var address: SocketIP
    public var port: UInt16

    public init(address: SocketIP, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// From address text: `SocketEndpoint("127.0.0.1", 8080)`; nil when the text is no address.
    public init?(_ address: String, _ port: UInt16) {
        guard let ip = SocketIP(address) else { return nil }
        self.init(address: ip, port: port)
    }

    public var description: String {
        address.isIPv4 ? "\(address):\(port)" : "[\(address)]:\(port)"
    }
}
