import Follow
import Sockets
import Views

/// During a live capture, which local program owns each end of a conversation, looked up
/// in the socket table (netlink sock_diag, as ss) when the conversation's first packet
/// arrives (the socket may be gone by the end): `1234/curl -> 99/python3`, `-` for an end
/// that is not on this machine.
final class SocketOwners {
    private var table: SocketTable?
    private var loadedAt = 0.0
    private(set) var owners: [Int: String] = [:]
    private var seen = Set<Int>()

    /// Looks up the owners of a new TCP stream. The table is re-read at most every 200 ms,
    /// and again (at most every 20 ms) when it does not know the stream: a short
    /// connection is often younger than the table.
    func observe(_ input: FieldInput) {
        guard let stream = input.analysis.tcpStream, let tcp = input.frame.tcp, !seen.contains(stream),
              let (src, dst) = input.frame.ipAddresses else { return }
        seen.insert(stream)
        // The first packet's source is the client when it is a SYN, as it usually is.
        let client = SocketEndpoint(address: SocketIP(high: src.high, low: src.low), port: tcp.sourcePort)
        let server = SocketEndpoint(address: SocketIP(high: dst.high, low: dst.low), port: tcp.destinationPort)
        func lookup() -> (String?, String?) {
            let c = table?.owner(of: SocketTuple(proto: .tcp, local: client, remote: server))
            let s = table?.owner(of: SocketTuple(proto: .tcp, local: server, remote: client))
            return (c.map { "\($0.pid)/\($0.program)" }, s.map { "\($0.pid)/\($0.program)" })
        }
        if table == nil || monotonicSeconds() - loadedAt > 0.2 { reload() }
        var (c, s) = lookup()
        // An end on this machine that the table does not know yet: read it again.
        let missingLocal = (c == nil && isLocal(client.address)) || (s == nil && isLocal(server.address))
        if missingLocal && monotonicSeconds() - loadedAt > 0.02 {
            reload()
            (c, s) = lookup()
        }
        if c != nil || s != nil { owners[stream] = "\(c ?? "-") -> \(s ?? "-")" }
    }

    /// Loopback, or an address some local socket is bound to.
    private func isLocal(_ address: SocketIP) -> Bool {
        if let v4 = address.ipv4 { if v4 >> 24 == 127 { return true } } else if address == SocketIP(high: 0, low: 1) { return true }
        return table?.entries.contains { $0.local.address == address } ?? false
    }

    private func reload() {
        table = SocketTable.load()
        loadedAt = monotonicSeconds()
    }
}
