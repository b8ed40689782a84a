#if canImport(Glibc)
import Glibc
#endif

/// The kernel's socket table over netlink `sock_diag`, as `ss` reads it. This file holds
/// all of tcpwatch's netlink system calls (the only unsafe code of the Sockets module);
/// the replies are taken apart by ``SockDiagParser`` in safe Swift.
///
/// Over `/proc/net` it adds what those files cannot say: whether an IPv6 socket is
/// v6-only (`INET_DIAG_SKV6ONLY`, so `*:80` can be told from `[::]:80`) and the interface
/// a socket is bound to (`fe80::1%eth0`, `127.0.0.53%lo`).
public enum SockDiag {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// socket(AF_NETLINK, NETLINK_SOCK_DIAG) failed (no netlink in a sandbox, say).
        case unavailable(errno: Int32)
        case send(errno: Int32)
        case receive(errno: Int32)
        /// The kernel answered a dump with an error message.
        case kernel(errno: Int32)

        public var description: String {
            switch self {
            case .unavailable(let e): "netlink sock_diag unavailable: \(String(cString: strerror(e)))"
            case .send(let e): "netlink send failed: \(String(cString: strerror(e)))"
            case .receive(let e): "netlink receive failed: \(String(cString: strerror(e)))"
            case .kernel(let e): "sock_diag refused the dump: \(String(cString: strerror(e)))"
            }
        }
    }

    /// Every TCP and UDP socket of `protocols` in the caller's network namespace.
    public static func dump(_ protocols: Set<SocketProtocol>) throws -> [SocketEntry] {
        let fd = socket(AF_NETLINK, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), SockDiagParser.netlinkSockDiag)
        guard fd >= 0 else { throw Failure.unavailable(errno: errno) }
        defer { close(fd) }
        var entries: [SocketEntry] = []
        var sequence: UInt32 = 1
        for proto in SocketProtocol.allCases where protocols.contains(proto) {
            for family in [SocketFamily.ipv4, .ipv6] {
                let request = SockDiagParser.request(proto: proto, family: family, sequence: sequence)
                sequence += 1
                let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
                guard sent == request.count else { throw Failure.send(errno: errno) }
                var done = false
                var buffer = [UInt8](repeating: 0, count: 64 * 1024)
                while !done {
                    let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw Failure.receive(errno: errno)
                    }
                    let reply = SockDiagParser.parse(buffer[0..<n], proto: proto)
                    if let error = reply.error { throw Failure.kernel(errno: error) }
                    entries += reply.entries
                    done = reply.done || n == 0
                }
            }
        }
        return entries
    }

    /// An open netlink socket for asking about one socket at a time, by its 4-tuple: the
    /// kernel answers at once, so a live capture can ask when it sees a SYN.
    public final class Lookup {
        private let fd: Int32
        private var sequence: UInt32 = 0
        private var buffer = [UInt8](repeating: 0, count: 8192)

        public init() throws {
            fd = socket(AF_NETLINK, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), SockDiagParser.netlinkSockDiag)
            guard fd >= 0 else { throw Failure.unavailable(errno: errno) }
        }

        deinit { close(fd) }

        /// The socket whose local end is `tuple.local` talking to `tuple.remote`, or the
        /// listener that would take it; nil when there is none (ENOENT) or on any error.
        public func find(_ tuple: SocketTuple) -> SocketEntry? {
            sequence &+= 1
            let request = SockDiagParser.request(exact: tuple, sequence: sequence)
            let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard sent == request.count else { return nil }
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return nil }
                let reply = SockDiagParser.parse(buffer[0..<n], proto: tuple.proto)
                // A stale answer to an earlier request has another sequence number.
                guard SockDiagParser.u32(buffer, 8) == sequence else { continue }
                return reply.entries.first
            }
        }
    }

    /// The interface's name for an index (`if_indextoname`), or the number.
    public static func interfaceName(_ index: UInt32) -> String {
        var name = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
        guard if_indextoname(index, &name) != nil else { return String(index) }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
