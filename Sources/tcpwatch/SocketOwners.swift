import CommandSupport
import Dispatch
import Follow
import Sockets
import Synchronization
import Views
#if canImport(Glibc)
import Glibc
#endif

/// During a live capture, which local program owns each end of a TCP conversation:
/// `1234/curl -> 99/python3`, `-` for an end that is not on this machine or not found.
///
/// When a stream's first packet (normally the SYN) is seen, each end is asked for by its
/// exact 4-tuple over netlink sock_diag: one request and one answer, no table dump. The
/// client's answer is its SYN-SENT socket; the server's is its connection, or the listener
/// that will accept it. The inodes are then named by ``ProcessNames`` on a thread of its
/// own, so that reading /proc never holds up the packets (a slow read on a loaded machine
/// made the next SYNs wait until their sockets had closed).
final class SocketOwners {
    private let lookup: SockDiag.Lookup?
    private let names = ProcessNames()
    /// Each stream's client and server ends.
    private var ends: [Int: [End]] = [:]
    private var seen = Set<Int>()
    private var localAddresses = LocalAddresses()

    private struct End {
        var inode: UInt64 = 0
        /// For a server end already accepted: its listener, whose owner stands in when the
        /// accepted socket closed before /proc could be read.
        var listener: UInt64 = 0
    }

    init() {
        lookup = try? SockDiag.Lookup()
        if lookup == nil { printError("note: netlink sock_diag is not available; programs are not named") }
    }

    /// Looks up the local sockets of a stream the first time it is seen.
    func observe(_ input: FieldInput) {
        guard let lookup, let stream = input.analysis.tcpStream, let tcp = input.frame.tcp,
              !seen.contains(stream), let (src, dst) = input.frame.ipAddresses else { return }
        seen.insert(stream)
        // The first packet's source is the client when it is a SYN, as it usually is.
        let client = SocketEndpoint(address: SocketIP(high: src.high, low: src.low), port: tcp.sourcePort)
        let server = SocketEndpoint(address: SocketIP(high: dst.high, low: dst.low), port: tcp.destinationPort)
        func end(local: SocketEndpoint, remote: SocketEndpoint) -> End {
            guard let entry = lookup.find(SocketTuple(proto: .tcp, local: local, remote: remote)) else { return End() }
            // A wildcard listener answers for any address: only an address of this machine is ours.
            if entry.isListening && entry.local.address.isUnspecified && !localAddresses.contains(local.address) {
                return End()
            }
            guard !entry.isListening, [.established, .synRecv, .newSynRecv, .closeWait].contains(entry.state) else {
                return End(inode: entry.inode)
            }
            // A server's connection: its listener, asked with no peer (the kernel's lookup
            // can then only answer with a listener), owns it until it is accepted.
            let anyPeer = SocketEndpoint(address: local.address.isIPv4 ? .ipv4Any : .ipv6Any, port: 0)
            let listener = lookup.find(SocketTuple(proto: .tcp, local: local, remote: anyPeer)).map(\.inode) ?? 0
            return entry.inode == 0 ? End(inode: listener) : End(inode: entry.inode, listener: listener)
        }
        let found = [end(local: client, remote: server), end(local: server, remote: client)]
        guard found.contains(where: { $0.inode != 0 }) else { return }
        ends[stream] = found
        names.want(found.flatMap { [$0.inode, $0.listener] }.filter { $0 != 0 })
    }

    /// The owners of a stream that ended, for its row: the stream is forgotten.
    func take(_ stream: Int) -> String? {
        seen.remove(stream)
        guard let found = ends.removeValue(forKey: stream) else { return nil }
        return text(found, forget: true)
    }

    /// The owners of a stream still open, as far as they are known.
    func owners(of stream: Int) -> String? {
        ends[stream].flatMap { text($0, forget: false) }
    }

    private func text(_ found: [End], forget: Bool) -> String? {
        let owners = names.take(found.flatMap { [$0.inode, $0.listener] }, forget: forget)
        let text = found.map { end in
            (owners[end.inode] ?? owners[end.listener]).map { "\($0.pid)/\($0.program)" }
        }
        guard text.contains(where: { $0 != nil }) else { return nil }
        return text.map { $0 ?? "-" }.joined(separator: " -> ")
    }
}

/// Names socket inodes from `/proc/*/fd`, on a thread of its own. A cache of the last
/// read answers at once; on a miss, the processes that owned the last sockets asked about
/// are read first (cheap: the program making connections is usually one of them), then
/// every process, at most 10 times a second. An inode that a whole read begun after it
/// was asked for does not find belongs to nobody we may see, and is given up.
final class ProcessNames: Sendable {
    private struct State {
        /// Inodes to name, with the time they were asked for.
        var wanted: [UInt64: Double] = [:]
        /// Answers for inodes asked about, kept until taken (the cache forgets closed sockets).
        var named: [UInt64: SocketProcess] = [:]
        /// Every socket of the last full read, and those found since.
        var cache: [UInt64: SocketProcess] = [:]
        /// The owners of the last sockets named, newest last.
        var holders: [Int32] = []
        var lastFullRead = -1.0
        var working = false
    }
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "tcpwatch.socket-owners")

    func want(_ inodes: [UInt64]) {
        let start = state.withLock { s -> Bool in
            let now = monotonicSeconds()
            for inode in inodes where s.named[inode] == nil {
                if let known = s.cache[inode] { s.named[inode] = known } else if s.wanted[inode] == nil { s.wanted[inode] = now }
            }
            guard !s.wanted.isEmpty && !s.working else { return false }
            s.working = true
            return true
        }
        if start { queue.async { self.work() } }
    }

    /// The names found for `inodes`, which are then forgotten if `forget`.
    func take(_ inodes: [UInt64], forget: Bool) -> [UInt64: SocketProcess] {
        state.withLock { s in
            var found: [UInt64: SocketProcess] = [:]
            for inode in inodes {
                if let owner = s.named[inode] ?? s.cache[inode] { found[inode] = owner }
                if forget {
                    s.named[inode] = nil
                    s.wanted[inode] = nil
                }
            }
            return found
        }
    }

    private func work() {
        while true {
            let holders = state.withLock { s -> [Int32]? in
                if s.wanted.isEmpty { s.working = false; return nil }
                return s.holders
            }
            guard let holders else { return }
            let started = monotonicSeconds()
            if !holders.isEmpty {
                record(ProcessSockets.scan(pids: holders), full: false, startedAt: started)
            }
            let (allNamed, lastFull) = state.withLock { ($0.wanted.isEmpty, $0.lastFullRead) }
            if allNamed { continue }
            let wait = lastFull + 0.1 - monotonicSeconds()
            if wait > 0 { usleep(UInt32(wait * 1e6)) }
            let fullStart = monotonicSeconds()
            state.withLock { $0.lastFullRead = fullStart }
            record(ProcessSockets.scan(), full: true, startedAt: fullStart)
        }
    }

    private func record(_ scan: ProcessSockets, full: Bool, startedAt: Double) {
        state.withLock { s in
            // A full read replaces the cache, which drops the sockets closed since; so does
            // a cache grown past its bound from the holders' reads.
            if full || s.cache.count > 10_000 { s.cache = [:] }
            for (inode, processes) in scan.owners {
                if let first = processes.first { s.cache[inode] = first }
            }
            for (inode, since) in s.wanted {
                if let owner = s.cache[inode] {
                    s.named[inode] = owner
                    s.wanted[inode] = nil
                    if !s.holders.contains(owner.pid) {
                        // The most recent few: a busy machine's many programs are for the full read.
                        if s.holders.count == 16 { s.holders.removeFirst() }
                        s.holders.append(owner.pid)
                    }
                } else if full && since < startedAt {
                    s.wanted[inode] = nil
                }
            }
            // Bounded: names nobody took (streams evicted unreported) do not pile up.
            if s.named.count > 100_000 { s.named = [:] }
        }
    }
}
