/// Port → service names from `/etc/services` (53 → domain, 80 → http, 631 → ipp).
public struct ServiceNames: Sendable {
    private var names: [Key: String] = [:]

    private struct Key: Hashable {
        var port: UInt16
        var proto: SocketProtocol
    }

    /// Lab ports that Debian's `/etc/services` lacks; used only when the file has no name.
    public static let fallback: [UInt16: String] = [953: "rndc"]

    public init() {}

    /// Parses `services(5)` text: `name port/proto [aliases...] [# comment]`. The first name
    /// for a port wins, as in getservbyport(3).
    public init(text: String) {
        for rawLine in text.split(separator: "\n") {
            let line = rawLine.prefix { $0 != "#" }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2 else { continue }
            let portProto = fields[1].split(separator: "/")
            guard portProto.count == 2, let port = UInt16(portProto[0]),
                  let proto = SocketProtocol(rawValue: portProto[1].lowercased())
            else { continue }
            let key = Key(port: port, proto: proto)
            if names[key] == nil { names[key] = String(fields[0]) }
        }
    }

    /// `/etc/services`, or an empty table when it cannot be read.
    public static func load(path: String = "/etc/services") -> ServiceNames {
        ProcFS.readText(path, limit: 4 << 20).map(ServiceNames.init(text:)) ?? ServiceNames()
    }

    /// The service on `port`; the other protocol's name when only that one is listed.
    public func name(port: UInt16, proto: SocketProtocol) -> String? {
        guard port != 0 else { return nil }
        if let name = names[Key(port: port, proto: proto)] { return name }
        let other: SocketProtocol = proto == .tcp ? .udp : .tcp
        return names[Key(port: port, proto: other)] ?? ServiceNames.fallback[port]
    }

    public var isEmpty: Bool { names.isEmpty }

    /// `/etc/services` read once, or ``builtIn`` on a system without it (a container).
    public static let system: ServiceNames = {
        let table = load()
        return table.isEmpty ? builtIn : table
    }()

    /// Well-known ports named as Debian's netbase `/etc/services` names them, for
    /// systems without that file.
    public static let builtIn: ServiceNames = {
        var table = ServiceNames()
        let tcp: [(UInt16, String)] = [
            (7, "echo"), (20, "ftp-data"), (21, "ftp"), (22, "ssh"), (23, "telnet"), (25, "smtp"), (53, "domain"),
            (80, "http"), (110, "pop3"), (111, "sunrpc"), (119, "nntp"), (143, "imap2"), (389, "ldap"),
            (443, "https"), (445, "microsoft-ds"), (465, "submissions"), (587, "submission"), (631, "ipp"),
            (636, "ldaps"), (873, "rsync"), (993, "imaps"), (995, "pop3s"), (3306, "mysql"), (5432, "postgresql"),
            (8080, "http-alt"),
        ]
        let udp: [(UInt16, String)] = [
            (7, "echo"), (53, "domain"), (67, "bootps"), (68, "bootpc"), (69, "tftp"), (123, "ntp"),
            (161, "snmp"), (500, "isakmp"), (514, "syslog"), (631, "ipp"), (5353, "mdns"),
        ]
        for (port, name) in tcp { table.names[Key(port: port, proto: .tcp)] = name }
        for (port, name) in udp { table.names[Key(port: port, proto: .udp)] = name }
        return table
    }()
}
