/// Why a bind to a port would fail, and who holds it: the lab's nginx that cannot start
/// because apache already listens on port 80.
///
/// Linux refuses a bind (EADDRINUSE) when a socket of the same protocol is bound to the
/// same port on an overlapping address: a wildcard overlaps every address of its family,
/// and an IPv6 wildcard without IPV6_V6ONLY (`*` in ss) also overlaps every IPv4 address.
/// Two sockets that both set SO_REUSEPORT (same user) may share a port; SO_REUSEADDR
/// only lets a listener reuse a port still held by TIME-WAIT connections.
public enum BindConflicts {
    /// A bind someone might try.
    public struct Attempt: Sendable, Equatable {
        public var text: String
        public var family: SocketFamily
        public var address: SocketIP
        /// For an IPv6 wildcard: IPV6_V6ONLY set.
        public var v6Only: Bool

        public static func wildcards(port: UInt16) -> [Attempt] {
            [Attempt(text: "0.0.0.0:\(port)", family: .ipv4, address: SocketIP(ipv4: 0), v6Only: false),
             Attempt(text: "*:\(port) (IPv6 and IPv4)", family: .ipv6, address: SocketIP(high: 0, low: 0), v6Only: false),
             Attempt(text: "[::]:\(port) (v6-only)", family: .ipv6, address: SocketIP(high: 0, low: 0), v6Only: true)]
        }
    }

    /// True when `holder` (bound to the same port and protocol) makes `attempt` fail.
    public static func blocks(_ holder: SocketEntry, _ attempt: Attempt) -> Bool {
        // Only bound sockets hold a port for binds: listeners and bound UDP sockets, and the
        // connections a listener accepted share its port without blocking on their own.
        guard holder.isListening else { return false }
        let holderWildcard = holder.local.address.isUnspecified
        let attemptWildcard = attempt.address.isUnspecified
        let holderTakesV4 = holder.family == .ipv4 || (holder.family == .ipv6 && holder.v6Only != true && holderWildcard)
            || holder.local.address.isIPv4
        let holderTakesV6 = holder.family == .ipv6 && !holder.local.address.isIPv4
        let attemptTakesV4 = attempt.family == .ipv4 || (attemptWildcard && !attempt.v6Only)
        let attemptTakesV6 = attempt.family == .ipv6
        let sameAddress = holder.local.address == attempt.address
        let v4Overlap = holderTakesV4 && attemptTakesV4 && (holderWildcard || attemptWildcard || sameAddress)
        let v6Overlap = holderTakesV6 && attemptTakesV6 && (holderWildcard || attemptWildcard || sameAddress)
        return v4Overlap || v6Overlap
    }

    /// One line per attempt: free, or refused because of which sockets.
    public static func report(port: UInt16, proto: SocketProtocol, table: SocketTable,
                              describe: (SocketEntry) -> String) -> [String] {
        let holders = table.entries.filter { $0.proto == proto && $0.local.port == port && $0.isListening }
        var lines: [String] = []
        if holders.isEmpty {
            lines.append("Nothing is bound to \(proto.rawValue) port \(port): a bind to it would succeed.")
            return lines
        }
        lines.append("\(proto.rawValue.uppercased()) port \(port) is held by:")
        for h in holders { lines.append("  " + describe(h)) }
        let groups = Dictionary(grouping: holders) { "\($0.family) \($0.local.address)" }.filter { $0.value.count > 1 }
        for (_, members) in groups {
            lines.append("  \(members.count) sockets share one address and port: they set SO_REUSEPORT, and the kernel spreads new connections over them.")
        }
        for attempt in Attempt.wildcards(port: port) {
            let blockers = holders.filter { blocks($0, attempt) }
            if blockers.isEmpty {
                lines.append("A bind to \(attempt.text) would succeed.")
            } else {
                let who = blockers.map { b -> String in
                    let owner = b.owner.map { "\($0.pid)/\($0.program)" } ?? "an unknown process"
                    return owner + " on " + SocketsView.endpointText(b, b.local, peer: false)
                }
                lines.append("A bind to \(attempt.text) would fail with \"Address already in use\" (EADDRINUSE): held by \(who.joined(separator: ", ")).")
            }
        }
        if holders.contains(where: \.isDualStackWildcard) {
            lines.append("Note: `*` is an IPv6 socket without IPV6_V6ONLY (apache's Listen 80): it takes IPv4 too, so a program binding 0.0.0.0 (nginx's `listen 80`) cannot start.")
        }
        if !table.fromNetlink, holders.contains(where: { $0.family == .ipv6 }) {
            lines.append("Note: read from /proc/net, which does not say whether an IPv6 socket is v6-only; `[::]` may be `*`.")
        }
        return lines
    }
}
