/// Builds `sock_diag` requests and reads its replies, in safe Swift over bytes, so that
/// it can be tested on byte vectors. Layouts from `linux/netlink.h`, `linux/sock_diag.h`
/// and `linux/inet_diag.h`: netlink fields are in host byte order, read here as little
/// endian (x86-64 and arm64); ports and addresses are in network order.
public enum SockDiagParser {
    static let netlinkSockDiag: Int32 = 4          // NETLINK_SOCK_DIAG
    static let sockDiagByFamily: UInt16 = 20       // SOCK_DIAG_BY_FAMILY
    static let nlmsgError: UInt16 = 2, nlmsgDone: UInt16 = 3
    static let requestFlags: UInt16 = 0x1 | 0x300  // NLM_F_REQUEST | NLM_F_DUMP
    static let headerLength = 16                   // struct nlmsghdr
    static let messageLength = 72                  // struct inet_diag_msg
    static let attributeV6Only: UInt16 = 11        // INET_DIAG_SKV6ONLY

    /// An `inet_diag_req_v2` dump request for every state of one protocol and family.
    public static func request(proto: SocketProtocol, family: SocketFamily, sequence: UInt32) -> [UInt8] {
        request(proto: proto, family: family, sequence: sequence, exact: nil)
    }

    /// A request for the one socket whose local end is `tuple.local` and whose peer is
    /// `tuple.remote` (no NLM_F_DUMP: the kernel's own lookup, as for a packet from the
    /// peer, so a listener answers for a connection it has not accepted yet). IPv4 and
    /// IPv4-mapped tuples are asked as AF_INET.
    public static func request(exact tuple: SocketTuple, sequence: UInt32) -> [UInt8] {
        let v4 = tuple.local.address.isIPv4 && tuple.remote.address.isIPv4
        return request(proto: tuple.proto, family: v4 ? .ipv4 : .ipv6, sequence: sequence, exact: tuple)
    }

    static func request(proto: SocketProtocol, family: SocketFamily, sequence: UInt32, exact: SocketTuple?) -> [UInt8] {
        var bytes: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        func address(_ ip: SocketIP) {
            // In network order; an IPv4 address fills the first of the four words.
            if family == .ipv4, let v4 = ip.ipv4 {
                withUnsafeBytes(of: v4.bigEndian) { bytes += $0 }
                bytes += [UInt8](repeating: 0, count: 12)
            } else {
                withUnsafeBytes(of: ip.high.bigEndian) { bytes += $0 }
                withUnsafeBytes(of: ip.low.bigEndian) { bytes += $0 }
            }
        }
        u32(UInt32(headerLength + 56))
        u16(sockDiagByFamily)
        u16(exact == nil ? requestFlags : 0x1)                // NLM_F_REQUEST alone: one socket
        u32(sequence)
        u32(0)
        bytes.append(family == .ipv4 ? 2 : 10)               // AF_INET, AF_INET6
        bytes.append(proto == .tcp ? 6 : 17)                  // IPPROTO_TCP, IPPROTO_UDP
        bytes.append(0)                                       // idiag_ext: the default attributes suffice
        bytes.append(0)
        u32(0xFFFF_FFFF)                                      // every state
        guard let exact else {
            bytes += [UInt8](repeating: 0, count: 48)         // inet_diag_sockid: no filter
            return bytes
        }
        withUnsafeBytes(of: exact.local.port.bigEndian) { bytes += $0 }
        withUnsafeBytes(of: exact.remote.port.bigEndian) { bytes += $0 }
        address(exact.local.address)
        address(exact.remote.address)
        u32(0)                                                // any interface
        u32(0xFFFF_FFFF); u32(0xFFFF_FFFF)                    // INET_DIAG_NOCOOKIE
        return bytes
    }

    public struct Reply {
        public var entries: [SocketEntry] = []
        /// NLMSG_DONE was seen: the dump is complete.
        public var done = false
        /// A positive errno from NLMSG_ERROR.
        public var error: Int32?
    }

    /// One datagram of netlink messages.
    public static func parse(_ bytes: ArraySlice<UInt8>, proto: SocketProtocol) -> Reply {
        var reply = Reply()
        let b = Array(bytes)
        var offset = 0
        while offset + headerLength <= b.count {
            let length = Int(u32(b, offset))
            let type = u16(b, offset + 4)
            guard length >= headerLength, offset + length <= b.count else { break }
            switch type {
            case nlmsgDone:
                reply.done = true
            case nlmsgError:
                let code = offset + headerLength + 4 <= b.count ? Int32(bitPattern: u32(b, offset + headerLength)) : 0
                if code != 0 { reply.error = -code }
                reply.done = true
            case sockDiagByFamily:
                if let entry = entry(b, from: offset + headerLength, to: offset + length, proto: proto) {
                    reply.entries.append(entry)
                }
            default:
                break
            }
            offset += (length + 3) & ~3
        }
        return reply
    }

    /// One `inet_diag_msg` and its attributes.
    static func entry(_ b: [UInt8], from start: Int, to end: Int, proto: SocketProtocol) -> SocketEntry? {
        guard end - start >= messageLength else { return nil }
        let family: SocketFamily
        switch b[start] {
        case 2: family = .ipv4
        case 10: family = .ipv6
        default: return nil
        }
        guard let state = SocketState(rawValue: b[start + 1]) else { return nil }
        let id = start + 4
        func port(_ at: Int) -> UInt16 { UInt16(b[at]) << 8 | UInt16(b[at + 1]) }
        func address(_ at: Int) -> SocketIP {
            if family == .ipv4 {
                return SocketIP(ipv4: UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3]))
            }
            return SocketIP(bytes: Array(b[at..<(at + 16)])) ?? SocketIP(high: 0, low: 0)
        }
        let local = SocketEndpoint(address: address(id + 4), port: port(id))
        let remote = SocketEndpoint(address: address(id + 20), port: port(id + 2))
        let interface = u32(b, id + 36)
        var entry = SocketEntry(proto: proto, family: family, state: state, local: local, remote: remote,
                                recvQ: u32(b, start + 56), sendQ: u32(b, start + 60), uid: u32(b, start + 64),
                                inode: UInt64(u32(b, start + 68)))
        entry.interface = interface
        // Attributes: rtattr { u16 len, u16 type } and the value, 4-byte aligned.
        var at = start + messageLength
        while at + 4 <= end {
            let length = Int(u16(b, at)), type = u16(b, at + 2)
            guard length >= 4, at + length <= end else { break }
            if type == attributeV6Only, length >= 5 { entry.v6Only = b[at + 4] != 0 }
            at += (length + 3) & ~3
        }
        return entry
    }

    static func u32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }

    static func u16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
}
