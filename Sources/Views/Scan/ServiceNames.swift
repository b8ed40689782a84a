import Foundation

/// Service names for port numbers, as nmap's SERVICE column shows them: read from
/// `/etc/services` (the file the lab handout points students to), with a small built-in
/// table of well-known ports for systems without that file.
public struct ServiceNames: Sendable {
    private var names: [Key: String]

    private struct Key: Hashable, Sendable {
        var port: UInt16
        var transport: ScanTransport
    }

    /// The system's table, read once; the built-in table when `/etc/services` is missing.
    public static let system: ServiceNames = {
        if let text = try? String(contentsOfFile: "/etc/services", encoding: .utf8) {
            let table = ServiceNames(servicesFile: text)
            if !table.names.isEmpty { return table }
        }
        return builtIn
    }()

    /// Parses the services(5) format: `name port/protocol [aliases...] [# comment]`.
    /// The first name listed for a port wins, as getservbyport(3) returns it.
    public init(servicesFile text: String) {
        names = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let content = line.prefix { $0 != "#" }
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2 else { continue }
            let parts = words[1].split(separator: "/")
            guard parts.count == 2, let port = UInt16(parts[0]),
                  let transport = ScanTransport(rawValue: String(parts[1])) else { continue }
            let key = Key(port: port, transport: transport)
            if names[key] == nil { names[key] = String(words[0]) }
        }
    }

    /// A few well-known ports, named as in Debian's netbase `/etc/services`.
    public static let builtIn: ServiceNames = {
        let tcp: [(UInt16, String)] = [
            (7, "echo"), (20, "ftp-data"), (21, "ftp"), (22, "ssh"), (23, "telnet"), (25, "smtp"), (53, "domain"),
            (80, "http"), (110, "pop3"), (111, "sunrpc"), (119, "nntp"), (143, "imap2"), (389, "ldap"),
            (443, "https"), (445, "microsoft-ds"), (465, "submissions"), (587, "submission"), (631, "ipp"),
            (636, "ldaps"), (853, "domain-s"), (873, "rsync"), (953, "rndc"), (993, "imaps"), (995, "pop3s"),
            (3306, "mysql"), (5432, "postgresql"), (6379, "redis"), (8080, "http-alt"),
        ]
        let udp: [(UInt16, String)] = [
            (7, "echo"), (53, "domain"), (67, "bootps"), (68, "bootpc"), (69, "tftp"), (123, "ntp"),
            (161, "snmp"), (500, "isakmp"), (514, "syslog"), (631, "ipp"), (5353, "mdns"),
        ]
        var table = ServiceNames(servicesFile: "")
        for (port, name) in tcp { table.names[Key(port: port, transport: .tcp)] = name }
        for (port, name) in udp { table.names[Key(port: port, transport: .udp)] = name }
        return table
    }()

    /// The service's name, or "unknown" as nmap prints it.
    public func name(port: UInt16, transport: ScanTransport) -> String {
        names[Key(port: port, transport: transport)] ?? "unknown"
    }
}
