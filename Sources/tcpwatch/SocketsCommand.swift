import ArgumentParser
import CommandSupport
import Sockets
import Views
#if canImport(Glibc)
import Glibc
#endif

struct SocketsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sockets",
        abstract: "List TCP and UDP sockets with the program that owns them, as ss -tuanp does.",
        discussion: """
        Reads the current network namespace's sockets over netlink sock_diag as ss does (/proc/net/tcp, \
        tcp6, udp and udp6 when netlink is not available), so a dual-stack listener shows as *:80 \
        and a v6-only one as [::]:80, and finds \
        each socket's owner through the socket:[inode] links in /proc/*/fd. Without root only \
        your own processes can be attributed; the others show '-'.

        The selection and the columns are ss's: without -a or -l only connections are listed \
        (not TIME-WAIT or SYN-RECV ones), -l lists only listeners and unconnected UDP sockets, \
        -a lists everything; -t -u -4 -6 mean the same as in ss. The columns are ss's, in ss's \
        order: Netid (when TCP and UDP are both shown), State (left out for -u alone, which \
        shows only ESTAB), Recv-Q, Send-Q, Local and Peer Address:Port, and Process. Recv-Q and \
        Send-Q are bytes queued on a connection, and on a LISTEN socket the connections \
        waiting for accept() and the backlog (the maximum); /proc/net cannot say the backlog, \
        so Send-Q is 0 there. Process is always shown (-p is accepted), as pid/program rather \
        than ss's users:((...)). tcpwatch adds one column after ss's: Service, the name of the \
        port the socket is about (the listener's own port, or the server's port of a \
        connection) from /etc/services, left out when the terminal is too narrow for it (-W keeps \
        it); -n is accepted, and addresses are always numeric.

        Examples:
          sudo tcpwatch sockets -tulpn           # listeners, as ss -tulpn
          sudo tcpwatch sockets -tanp            # every TCP socket, as ss -tanp
          sudo tcpwatch sockets -a --port 53 --port 631
          tcpwatch sockets --tcp -T json
          tcpwatch sockets --conflicts 80        # why nginx cannot bind port 80, and who holds it
        """
    )

    @Flag(name: [.customShort("l"), .long], help: "Only listening TCP sockets and unconnected UDP sockets (ss -l).")
    var listening = false

    @Flag(name: [.customShort("a"), .long], help: "Every socket, listening or not (ss -a). Without -a or -l: only connections, as ss.")
    var all = false

    @Option(help: ArgumentHelp("Say whether a bind to this TCP port would fail, why, and which program holds it.", valueName: "port"))
    var conflicts: UInt16?

    @Option(name: .long, help: "Only sockets with this local or remote port (repeatable).")
    var port: [UInt16] = []

    @Flag(name: [.customShort("t"), .long], help: "TCP sockets (with --udp: both; default both).")
    var tcp = false

    @Flag(name: [.customShort("u"), .long], help: "UDP sockets (with --tcp: both; default both).")
    var udp = false

    @Flag(name: .customShort("4"), help: "Only sockets from the IPv4 tables (/proc/net/tcp, udp).")
    var ipv4Only = false

    @Flag(name: .customShort("6"), help: "Only sockets from the IPv6 tables (/proc/net/tcp6, udp6).")
    var ipv6Only = false

    // ss habits: `tcpwatch sockets -tulpn` works. Processes are always shown, addresses
    // and ports are always numeric (the service has its own column).
    @Flag(name: .customShort("p"), help: .hidden) var processes = false
    @Flag(name: .customShort("n"), help: .hidden) var numeric = false

    @Option(name: .customShort("T"), help: ArgumentHelp("Output: text (default) or json (one object per line).", valueName: "format"))
    var format: String = "text"

    @Flag(name: [.customShort("W"), .long], help: "Never shorten addresses to fit the terminal.")
    var wide = false

    @Option(help: "Colour: auto, always, never.")
    var color: ColorChoice = .auto

    func validate() throws {
        if format != "json" && format != "text" { throw ValidationError("-T takes json or text") }
        if ipv4Only && ipv6Only { throw ValidationError("-4 and -6 exclude each other") }
    }

    func run() throws {
        var source = SocketTable.Source()
        var filter = SocketFilter()
        if tcp != udp { filter.protocols = tcp ? [.tcp] : [.udp] }
        source.protocols = filter.protocols
        if ipv4Only { filter.families = [.ipv4] }
        if ipv6Only { filter.families = [.ipv6] }
        filter.states = all ? .all : listening ? .listening : .connected
        filter.ports = Set(port)

        let everything = SocketTable.load(source)
        let table = everything.filtered(filter)
        let services = ServiceNames.load()
        let out = OutputBuffer(fileDescriptor: 1)
        if let conflicts {
            let lines = BindConflicts.report(port: conflicts, proto: udp && !tcp ? .udp : .tcp, table: everything) { e in
                let owner = e.owner.map { "\($0.pid)/\($0.program)" } ?? "-"
                return "\(SocketsView.endpointText(e, e.local, peer: false))  \(e.state.ssName)  \(owner)  user \(UserNames.name(e.uid))"
                    + (e.isDualStackWildcard ? "  (IPv6 socket without IPV6_V6ONLY: also IPv4)" : e.v6Only == true ? "  (v6-only)" : "")
            }
            for line in lines { out.string(line + "\n") }
            out.flush()
            return
        }
        if format == "json" {
            for line in SocketsView().jsonLines(table, services: services) {
                out.string(line)
                out.byte(10)
                out.flushIfFull()
            }
        } else {
            var view = SocketsView(width: max(80, terminalWidth()), wide: wide, color: color.enabled)
            view.columns = SocketsView.columns(protocols: filter.protocols, states: filter.states)
            for line in view.lines(table, services: services) {
                out.string(line)
                out.byte(10)
                out.flushIfFull()
            }
            // Listeners sharing one address and port can only be an SO_REUSEPORT group.
            let groups = Dictionary(grouping: table.entries.filter(\.isListening)) {
                "\($0.proto) \($0.family) \($0.local.address) \($0.local.port)"
            }
            for (_, members) in groups.sorted(by: { $0.key < $1.key }) where members.count > 1 {
                let e = members[0]
                let owners = members.map { $0.owner.map { "\($0.pid)/\($0.program)" } ?? "-" }.joined(separator: ", ")
                out.string("note: \(members.count) sockets share \(e.proto) \(SocketsView.endpointText(e, e.local, peer: false)) (SO_REUSEPORT group: \(owners)); the kernel spreads new connections over them\n")
            }
        }
        out.flush()
        let hidden = table.entries.filter { $0.inode != 0 && $0.processes.isEmpty }.count
        if hidden > 0 && everything.unreadableProcesses > 0 && geteuid() != 0 {
            printError("note: \(hidden) sockets belong to processes you may not inspect (\(everything.unreadableProcesses) unreadable); run as root to see their owners")
        }
    }
}
