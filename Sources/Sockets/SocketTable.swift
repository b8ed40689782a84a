/// A conversation seen from this machine: which side is local, which is the peer.
public struct SocketTuple: Hashable, Sendable, CustomStringConvertible {
    public var proto: SocketProtocol
    public var local: SocketEndpoint
    public var remote: SocketEndpoint

    public init(proto: SocketProtocol, local: SocketEndpoint, remote: SocketEndpoint) {
        self.proto = proto
        self.local = local
        self.remote = remote
    }

    public var description: String { "\(proto) \(local) -> \(remote)" }
}

/// Which states to show, as `ss` chooses them.
public enum SocketStateSelection: Sendable, Hashable {
    /// ss without `-a` or `-l`: connections, but neither TIME-WAIT nor SYN-RECV ones.
    case connected
    /// `ss -l`: TCP listeners and unconnected UDP sockets.
    case listening
    /// `ss -a`: every socket.
    case all
}

/// Which sockets to show, as `ss`'s `-t`, `-u`, `-l`, `-a`, `-4`, `-6` and a port filter.
public struct SocketFilter: Sendable {
    public var protocols: Set<SocketProtocol> = [.tcp, .udp]
    public var families: Set<SocketFamily> = [.ipv4, .ipv6]
    public var states = SocketStateSelection.all
    /// Sockets whose local or remote port is one of these; empty for all.
    public var ports: Set<UInt16> = []

    public init() {}

    public func matches(_ entry: SocketEntry) -> Bool {
        guard protocols.contains(entry.proto), families.contains(entry.family) else { return false }
        switch states {
        case .connected: if !entry.isConnection { return false }
        case .listening: if !entry.isListening { return false }
        case .all: break
        }
        if !ports.isEmpty && !ports.contains(entry.local.port) && !ports.contains(entry.remote.port) { return false }
        return true
    }
}

/// The sockets of this machine's network namespace, as `ss -tuanp` sees them, read from
/// `/proc/net/{tcp,tcp6,udp,udp6}` and attributed to processes through `/proc/*/fd`.
public struct SocketTable: Sendable {
    public var entries: [SocketEntry]
    /// Processes whose sockets could not be attributed (not allowed to read their `fd`).
    public var unreadableProcesses: Int

    /// Read over netlink sock_diag (with v6-only flags and interfaces), not /proc/net.
    public var fromNetlink = false

    public init(entries: [SocketEntry], unreadableProcesses: Int = 0, fromNetlink: Bool) {
        self.init(entries: entries, unreadableProcesses: unreadableProcesses)
        self.fromNetlink = fromNetlink
    }

    public init(entries: [SocketEntry], unreadableProcesses: Int = 0) {
        self.entries = entries
        self.unreadableProcesses = unreadableProcesses
    }

    /// Where to read from.
    public struct Source: Sendable {
        /// The procfs mount holding the `PID/fd` directories.
        public var procRoot = "/proc"
        /// The `net` directory to read the tables from; nil for `procRoot/net`, the caller's
        /// own namespace. `/proc/PID/net` reads the namespace of process PID instead.
        public var netDirectory: String?
        public var protocols: Set<SocketProtocol> = [.tcp, .udp]
        /// Whether to scan `/proc/*/fd` for the owning processes.
        public var attributeProcesses = true
        /// Try netlink sock_diag first (own namespace only).
        public var netlink = true

        public init(procRoot: String = "/proc", netDirectory: String? = nil) {
            self.procRoot = procRoot
            self.netDirectory = netDirectory
        }
    }

    /// Every socket now, with its owners, in display order.
    public static func snapshot(procRoot: String = "/proc", netDirectory: String? = nil) -> [SocketEntry] {
        load(Source(procRoot: procRoot, netDirectory: netDirectory)).entries
    }

    /// Reads the tables (a missing one, e.g. `tcp6` without IPv6, is just empty) and the owners.
    public static func load(_ source: Source = Source()) -> SocketTable {
        let net = source.netDirectory ?? "\(source.procRoot)/net"
        var entries: [SocketEntry] = []
        var fromNetlink = false
        // The own namespace's tables come from sock_diag, as ss reads them; /proc/net is
        // the fallback (no netlink in a sandbox) and the way to read another process's view.
        if source.netlink && source.netDirectory == nil && source.procRoot == "/proc",
           let dumped = try? SockDiag.dump(source.protocols) {
            entries = dumped
            fromNetlink = true
            var names: [UInt32: String] = [:]
            for i in entries.indices where entries[i].interface != 0 {
                let index = entries[i].interface
                if names[index] == nil { names[index] = SockDiag.interfaceName(index) }
                entries[i].interfaceName = names[index]
            }
        }
        for proto in SocketProtocol.allCases where source.protocols.contains(proto) && !fromNetlink {
            for family in [SocketFamily.ipv4, .ipv6] {
                let file = "\(net)/\(proto.rawValue)\(family == .ipv6 ? "6" : "")"
                guard let text = ProcFS.readText(file) else { continue }
                entries += ProcNetParser.parse(table: text, proto: proto, family: family)
            }
        }
        var unreadable = 0
        if source.attributeProcesses {
            let inodes = Set(entries.lazy.map(\.inode).filter { $0 != 0 })
            let scan = ProcessSockets.scan(procRoot: source.procRoot, inodes: inodes)
            unreadable = scan.unreadable
            for i in entries.indices where entries[i].inode != 0 {
                entries[i].processes = scan.owners[entries[i].inode] ?? []
            }
        }
        entries.sort(by: SocketTable.displayOrder)
        return SocketTable(entries: entries, unreadableProcesses: unreadable, fromNetlink: fromNetlink)
    }

    /// TCP before UDP; listeners (and unconnected UDP sockets) first, by port; then the
    /// connections by local port, peer and state.
    public static func displayOrder(_ a: SocketEntry, _ b: SocketEntry) -> Bool {
        if a.proto != b.proto { return a.proto < b.proto }
        if a.isListening != b.isListening { return a.isListening }
        if a.local.port != b.local.port { return a.local.port < b.local.port }
        if a.family != b.family { return a.family == .ipv4 }
        if a.local.address != b.local.address { return a.local.address < b.local.address }
        if a.remote.address != b.remote.address { return a.remote.address < b.remote.address }
        if a.remote.port != b.remote.port { return a.remote.port < b.remote.port }
        return a.state.rawValue < b.state.rawValue
    }

    /// The entries that `filter` keeps. The listened ports are those of the whole table,
    /// so that a connection keeps its service when its listener is filtered out (`-tn`).
    public func filtered(_ filter: SocketFilter) -> SocketTable {
        var table = SocketTable(entries: entries.filter(filter.matches), unreadableProcesses: unreadableProcesses)
        table.listenedPorts = listenedPorts ?? listenedPortSet()
        return table
    }

    /// Ports with a listener, as `[port, IP protocol number]`; nil: those of `entries`.
    var listenedPorts: Set<[UInt16]>?

    func listenedPortSet() -> Set<[UInt16]> {
        var listening = Set<[UInt16]>()
        for entry in entries where entry.isListening {
            listening.insert([entry.local.port, entry.proto == .tcp ? 6 : 17])
        }
        return listening
    }

    /// The socket a local conversation goes through: the connected socket with exactly this
    /// 4-tuple; else a TCP listener (a connection not yet accepted) or an unconnected UDP
    /// socket bound to the local port, on the local address or on every address. IPv4 and
    /// IPv4-mapped addresses are the same; a `::` listener also takes IPv4.
    ///
    /// `tuple.local` must be the side on this machine: a wildcard socket matches any address.
    public func entry(for tuple: SocketTuple) -> SocketEntry? {
        let candidates = entries.filter { $0.proto == tuple.proto && $0.local.port == tuple.local.port }
        let connected = candidates.filter {
            !$0.isListening && $0.local.address == tuple.local.address && $0.remote == tuple.remote
        }
        if let best = connected.first(where: { !$0.processes.isEmpty }) ?? connected.first { return best }
        let bound = candidates.filter { entry in
            guard entry.isListening else { return false }
            if entry.local.address == tuple.local.address { return true }
            guard entry.local.address.isUnspecified else { return false }
            // 0.0.0.0 takes only IPv4; `::` takes both unless IPV6_V6ONLY (known over netlink).
            if entry.family == .ipv6 { return entry.v6Only != true || !tuple.local.address.isIPv4 }
            return tuple.local.address.isIPv4
        }
        // A socket on the exact address beats a wildcard one, as in the kernel's lookup.
        let ranked = bound.sorted { a, b in
            let ea = a.local.address == tuple.local.address, eb = b.local.address == tuple.local.address
            if ea != eb { return ea }
            if a.processes.isEmpty != b.processes.isEmpty { return !a.processes.isEmpty }
            let v4 = tuple.local.address.isIPv4
            return (a.family == .ipv4) == v4 && (b.family == .ipv4) != v4
        }
        return ranked.first
    }

    /// The process that owns the local end of a conversation, if it can still be found.
    /// A connection still in a listener's accept queue (no inode yet) is the listener's
    /// owner's; one that is closing after its process let go (TIME-WAIT, ...) is nobody's.
    public func owner(of tuple: SocketTuple) -> (pid: Int32, program: String)? {
        guard var found = entry(for: tuple) else { return nil }
        if found.processes.isEmpty, !found.isListening, found.inode == 0,
           [.established, .synRecv, .newSynRecv, .closeWait].contains(found.state) {
            var listenerEntries = self
            listenerEntries.entries = entries.filter(\.isListening)
            guard let listener = listenerEntries.entry(for: tuple) else { return nil }
            found = listener
        }
        guard let process = found.owner else { return nil }
        return (process.pid, process.program)
    }

    /// The service each entry is about, in `entries` order: its own port for a listener or a
    /// server-side connection (one whose local port is also listened on), otherwise the
    /// peer's port; and the local port's name when the peer's has none and the local port
    /// is below 1024 (a client bound to a well-known port).
    public func services(names: ServiceNames) -> [String?] {
        let listening = listenedPorts ?? listenedPortSet()
        return entries.map { entry in
            let local = names.name(port: entry.local.port, proto: entry.proto)
            if entry.isListening || listening.contains([entry.local.port, entry.proto == .tcp ? 6 : 17]) {
                return local
            }
            return names.name(port: entry.remote.port, proto: entry.proto) ?? (entry.local.port < 1024 ? local : nil)
        }
    }
}
