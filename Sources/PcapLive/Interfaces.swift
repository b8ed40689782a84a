import CPcap
import Dissect
#if canImport(Glibc)
import Glibc
#endif

/// An interface as pcap_findalldevs reports it.
public struct InterfaceInfo: Sendable {
    public var name: String
    public var description: String?
    public var addresses: [String]
    public var isUp: Bool
    public var isRunning: Bool
    public var isLoopback: Bool
}

extension LiveCapture {
    /// Every interface libpcap can capture on.
    public static func interfaces() throws(PcapError) -> [InterfaceInfo] {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        var list: UnsafeMutablePointer<pcap_if_t>?
        guard pcap_findalldevs(&list, &errbuf) == 0 else {
            throw PcapError.capture(message: "cannot list interfaces: \(cString(errbuf))")
        }
        defer { pcap_freealldevs(list) }
        var result: [InterfaceInfo] = []
        var current = list
        while let device = current {
            let d = device.pointee
            var addresses: [String] = []
            var address = d.addresses
            while let a = address {
                if let text = socketAddressText(a.pointee.addr) { addresses.append(text) }
                address = a.pointee.next
            }
            result.append(InterfaceInfo(
                name: String(cString: d.name), description: d.description.map { String(cString: $0) },
                addresses: addresses, isUp: d.flags & UInt32(PCAP_IF_UP) != 0,
                isRunning: d.flags & UInt32(PCAP_IF_RUNNING) != 0,
                isLoopback: d.flags & UInt32(PCAP_IF_LOOPBACK) != 0))
            current = d.next
        }
        return result
    }

    /// Whether `name` still exists and is up; `any` is always up.
    public enum InterfaceState: Sendable, Equatable { case up, down, missing }

    public static func state(of name: String) -> InterfaceState {
        InterfaceWatch.state(of: name)
    }

    static func socketAddressText(_ address: UnsafeMutablePointer<sockaddr>?) -> String? {
        guard let address else { return nil }
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                IPv4Address(rawValue: UInt32(bigEndian: $0.pointee.sin_addr.s_addr)).description
            }
        case AF_INET6:
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                withUnsafeBytes(of: sin6.pointee.sin6_addr) { raw in
                    IPv6Address(ByteView(raw), at: 0).description
                }
            }
        default:
            return nil
        }
    }
}
