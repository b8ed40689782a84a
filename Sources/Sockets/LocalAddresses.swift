#if canImport(Glibc)
import Glibc
#endif

/// The addresses of this machine's interfaces (`getifaddrs`), and loopback, read again at
/// most once a second when asked about an address they do not hold.
public struct LocalAddresses {
    private var addresses = Set<SocketIP>()
    private var readAt = -1.0

    public init() {}

    public mutating func contains(_ address: SocketIP) -> Bool {
        if address.ipv4.map({ $0 >> 24 == 127 }) ?? (address == SocketIP(high: 0, low: 1)) { return true }
        if addresses.contains(address) { return true }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let seconds = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
        guard readAt < 0 || seconds - readAt >= 1 else { return false }
        readAt = seconds
        addresses = LocalAddresses.read()
        return addresses.contains(address)
    }

    static func read() -> Set<SocketIP> {
        var result = Set<SocketIP>()
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return result }
        defer { freeifaddrs(list) }
        var next = list
        while let entry = next {
            next = entry.pointee.ifa_next
            guard let sa = entry.pointee.ifa_addr else { continue }
            switch Int32(sa.pointee.sa_family) {
            case AF_INET:
                let v4 = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
                result.insert(SocketIP(ipv4: UInt32(bigEndian: v4)))
            case AF_INET6:
                let bytes = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                    withUnsafeBytes(of: p.pointee.sin6_addr) { Array($0) }
                }
                if let ip = SocketIP(bytes: bytes) { result.insert(ip) }
            default:
                break
            }
        }
        return result
    }
}
