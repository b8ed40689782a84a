import Follow
import Sockets
import Views

/// During a live capture, which local program owns each conversation, looked up in
/// /proc when the conversation's first packet arrives (the socket may be gone by the end).
final class SocketOwners {
    private var table: SocketTable?
    private var loadedAt = 0.0
    private(set) var owners: [Int: String] = [:]
    private var seen = Set<Int>()

    /// Looks up the owner of a new TCP stream, re-reading /proc at most every 200 ms.
    func observe(_ input: FieldInput) {
        guard let stream = input.analysis.tcpStream, let tcp = input.frame.tcp, !seen.contains(stream),
              let (src, dst) = input.frame.ipAddresses else { return }
        seen.insert(stream)
        if table == nil || monotonicSeconds() - loadedAt > 0.2 {
            table = SocketTable.load()
            loadedAt = monotonicSeconds()
        }
        let a = SocketEndpoint(address: SocketIP(high: src.high, low: src.low), port: tcp.sourcePort)
        let b = SocketEndpoint(address: SocketIP(high: dst.high, low: dst.low), port: tcp.destinationPort)
        let found = table?.owner(of: SocketTuple(proto: .tcp, local: a, remote: b))
            ?? table?.owner(of: SocketTuple(proto: .tcp, local: b, remote: a))
        if let found { owners[stream] = "\(found.pid)/\(found.program)" }
    }
}
