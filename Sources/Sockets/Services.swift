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
}
