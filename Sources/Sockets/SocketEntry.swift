/// TCP or UDP, as `ss` names them in its Netid column.
public enum SocketProtocol: String, Sendable, Hashable, CaseIterable, Comparable {
    case tcp, udp

    public static func < (a: SocketProtocol, b: SocketProtocol) -> Bool {
        a == .tcp && b == .udp
    }
}

/// Which `/proc/net` table a socket came from: `tcp`/`udp` (IPv4) or `tcp6`/`udp6` (IPv6,
/// which also holds dual-stack sockets talking to IPv4 peers through `::ffff:a.b.c.d`).
public enum SocketFamily: String, Sendable, Hashable {
    case ipv4, ipv6
}

/// The kernel's socket state (`st` in `/proc/net/tcp`, the `TCP_*` numbers), named as `ss` names it.
public enum SocketState: UInt8, Sendable, Hashable, CaseIterable {
    case established = 0x01
    case synSent = 0x02
    case synRecv = 0x03
    case finWait1 = 0x04
    case finWait2 = 0x05
    case timeWait = 0x06
    case close = 0x07
    case closeWait = 0x08
    case lastAck = 0x09
    case listen = 0x0A
    case closing = 0x0B
    case newSynRecv = 0x0C

    /// The name in `ss`'s State column. An unconnected UDP socket is in TCP_CLOSE: UNCONN.
    public var ssName: String {
        switch self {
        case .established: "ESTAB"
        case .synSent: "SYN-SENT"
        case .synRecv: "SYN-RECV"
        case .finWait1: "FIN-WAIT-1"
        case .finWait2: "FIN-WAIT-2"
        case .timeWait: "TIME-WAIT"
        case .close: "UNCONN"
        case .closeWait: "CLOSE-WAIT"
        case .lastAck: "LAST-ACK"
        case .listen: "LISTEN"
        case .closing: "CLOSING"
        case .newSynRecv: "NEW-SYN-RECV"
        }
    }

    public init?(ssName: String) {
        guard let state = SocketState.allCases.first(where: { $0.ssName == ssName.uppercased() }) else { return nil }
        self = state
    }
}

/// A process that holds a socket open: one of its file descriptors links to `socket:[inode]`.
public struct SocketProcess: Hashable, Sendable {
    public var pid: Int32
    /// `/proc/PID/comm`, or the base name of `argv[0]` when `comm` was cut at 15 characters.
    public var program: String
    public var fd: Int32

    public init(pid: Int32, program: String, fd: Int32) {
        self.pid = pid
        self.program = program
        self.fd = fd
    }
}

/// One line of `/proc/net/{tcp,tcp6,udp,udp6}`, with the processes that own it.
public struct SocketEntry: Hashable, Sendable {
    public var proto: SocketProtocol
    public var family: SocketFamily
    public var state: SocketState
    public var local: SocketEndpoint
    public var remote: SocketEndpoint
    /// Bytes queued (`rx_queue`; for a listener, connections waiting for accept()).
    public var recvQ: UInt32
    /// Bytes queued (`tx_queue`).
    public var sendQ: UInt32
    public var uid: UInt32
    /// The socket's inode; 0 for sockets no process holds any more (TIME-WAIT).
    public var inode: UInt64
    /// Owners, in pid order; empty when unknown (not attributed, or not allowed to look).
    public var processes: [SocketProcess]
    /// For an IPv6 socket read over netlink: IPV6_V6ONLY. A wildcard listener without it
    /// (apache's, python's default) also takes IPv4: ss shows it as `*:80`. Nil when read
    /// from /proc/net, which cannot tell.
    public var v6Only: Bool?
    /// The interface the socket is bound to (SO_BINDTODEVICE, or a link-local address's
    /// scope), 0 for none; known over netlink only.
    public var interface: UInt32 = 0
    /// The interface's name, filled in by the loader.
    public var interfaceName: String?

    public init(proto: SocketProtocol, family: SocketFamily, state: SocketState, local: SocketEndpoint,
                remote: SocketEndpoint, recvQ: UInt32 = 0, sendQ: UInt32 = 0, uid: UInt32 = 0,
                inode: UInt64 = 0, processes: [SocketProcess] = []) {
        self.proto = proto
        self.family = family
        self.state = state
        self.local = local
        self.remote = remote
        self.recvQ = recvQ
        self.sendQ = sendQ
        self.uid = uid
        self.inode = inode
        self.processes = processes
    }

    /// A TCP listener or an unconnected UDP socket: what `ss -l` shows.
    public var isListening: Bool {
        switch proto {
        case .tcp: state == .listen
        case .udp: state == .close
        }
    }

    /// What `ss` lists without `-a` or `-l` (its SS_CONN): neither a listener nor an
    /// unconnected socket, and not TIME-WAIT or SYN-RECV either.
    public var isConnection: Bool {
        switch state {
        case .listen, .close, .timeWait, .synRecv, .newSynRecv: false
        default: true
        }
    }

    /// The first owner (lowest pid), if any.
    public var owner: SocketProcess? { processes.first }

    /// The address as `ss` prints it: dotted for IPv4 tables, RFC 5952 (with `::ffff:a.b.c.d`) for IPv6 ones.
    public func addressText(_ endpoint: SocketEndpoint) -> String {
        family == .ipv4 ? endpoint.address.description : endpoint.address.ipv6Text
    }

    /// An IPv6 wildcard socket that also takes IPv4 (not v6-only): `*` in ss.
    public var isDualStackWildcard: Bool {
        family == .ipv6 && v6Only == false && local.address == SocketIP(high: 0, low: 0)
    }
}
