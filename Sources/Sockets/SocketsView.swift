/// `tcpwatch sockets` output: `ss -tuanp`'s columns (and a Service column) in a table that fits the width, or JSON lines.
public struct SocketsView: Sendable {
    /// Columns to fit in (80 unless the terminal is wider).
    public var width: Int
    /// Never shorten: print every address whole, however wide the table gets.
    public var wide: Bool
    public var color: Bool

    public init(width: Int = 80, wide: Bool = false, color: Bool = false) {
        self.width = width
        self.wide = wide
        self.color = color
    }

    /// A column of the table. The first seven are ss's, in ss's order; Service is
    /// tcpwatch's own, last, so that a reader of ss finds every column where ss puts it.
    public enum Column: Sendable, CaseIterable {
        case netid, state, recvQ, sendQ, local, peer, process, service

        public var header: String {
            switch self {
            case .netid: "Netid"
            case .state: "State"
            case .recvQ: "Recv-Q"
            case .sendQ: "Send-Q"
            case .local: "Local Address:Port"
            case .peer: "Peer Address:Port"
            case .process: "Process"
            case .service: "Service"
            }
        }
    }

    /// The columns, in order.
    public var columns: [Column] = Column.allCases

    /// ss's column set for a selection: Netid only when more than one protocol is shown,
    /// State only when more than one state can be (ss drops it for `-u` without `-a` or
    /// `-l`, which shows only ESTAB sockets).
    public static func columns(protocols: Set<SocketProtocol>, states: SocketStateSelection) -> [Column] {
        Column.allCases.filter { column in
            switch column {
            case .netid: protocols.count > 1
            case .state: !(protocols == [.udp] && states == .connected)
            default: true
            }
        }
    }

    /// Address columns never shrink below a whole IPv4 endpoint (`255.255.255.255:65535`).
    static let addressMinimum = 21

    /// The header line and one line per entry, without trailing newlines.
    ///
    /// When the table is wider than `width`, dual-stack sockets talking IPv4 first show the
    /// IPv4 addresses they carry on the wire (`127.0.0.1:631` for `[::ffff:127.0.0.1]:631`),
    /// then long IPv6 addresses lose their middle, then the service and the program name
    /// are cut, in that order; last, the Service column is left out.
    public func lines(_ table: SocketTable, services names: ServiceNames) -> [String] {
        let services = table.services(names: names)
        // `widths` nil: every cell whole. `collapse`: IPv4-mapped endpoints as IPv4.
        func cells(collapse: Bool, widths: [Int]?) -> [[String]] {
            zip(table.entries, services).map { entry, service in
                let mapped = collapse && entry.family == .ipv6 && entry.local.address.isIPv4
                    && !entry.local.address.isUnspecified
                return columns.enumerated().map { i, column in
                    let width = widths?[i] ?? .max
                    switch column {
                    case .netid: return entry.proto.rawValue
                    case .state: return entry.state.ssName
                    case .recvQ: return String(entry.recvQ)
                    case .sendQ: return String(entry.sendQ)
                    case .local: return SocketsView.endpointText(entry, entry.local, peer: false, width: mapped ? 0 : width)
                    case .peer: return SocketsView.endpointText(entry, entry.remote, peer: true, width: mapped ? 0 : width)
                    case .process: return SocketsView.processText(entry.processes, width: width)
                    case .service: return SocketsView.truncate(service ?? "-", to: width)
                    }
                }
            }
        }
        func naturalWidths(_ rows: [[String]]) -> [Int] {
            var widths = columns.map(\.header.count)
            for row in rows {
                for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
            }
            return widths
        }
        func total(_ widths: [Int]) -> Int { widths.reduce(0, +) + widths.count - 1 }

        var rows = cells(collapse: false, widths: nil)
        var widths = naturalWidths(rows)
        if !wide && total(widths) > width {
            widths = fit(naturalWidths(cells(collapse: true, widths: nil)))
            // Still too wide: tcpwatch's own Service column goes before ss's columns break.
            if total(widths) > width, columns.contains(.service) {
                var narrower = self
                narrower.columns.removeAll { $0 == .service }
                return narrower.lines(table, services: names)
            }
            rows = cells(collapse: true, widths: widths)
        }
        var out = [render(columns.map(\.header), widths: widths, entry: nil)]
        for (row, entry) in zip(rows, table.entries) {
            out.append(render(row, widths: widths, entry: entry))
        }
        return out
    }

    /// Shrinks the flexible columns until the line fits `width` or nothing can shrink any
    /// more: the address columns first (the wider one first, down to a whole IPv4 endpoint),
    /// then the service (down to 7), then the process (down to 12).
    func fit(_ natural: [Int]) -> [Int] {
        var widths = natural
        let minimum = zip(columns, natural).map { column, natural in
            switch column {
            case .local, .peer: min(natural, SocketsView.addressMinimum)
            case .service: min(natural, 7)
            case .process: min(natural, 12)
            default: natural
            }
        }
        let stages: [[Column]] = [[.local, .peer], [.service], [.process]]
        for stage in stages {
            let shrinkable = columns.indices.filter { stage.contains(columns[$0]) }
            while widths.reduce(0, +) + widths.count - 1 > width {
                guard let i = shrinkable.filter({ widths[$0] > minimum[$0] }).max(by: { widths[$0] < widths[$1] }) else { break }
                widths[i] -= 1
            }
        }
        return widths
    }

    func render(_ cells: [String], widths: [Int], entry: SocketEntry?) -> String {
        var line = ""
        for (i, cell) in cells.enumerated() {
            let last = i == cells.count - 1
            var text = last ? cell : cell + String(repeating: " ", count: max(0, widths[i] - cell.count))
            if color, columns[i] == .state, let entry { text = SocketsView.paint(text, entry.state) }
            if color, entry == nil { text = "\u{1B}[1m" + text + "\u{1B}[0m" }
            line += text
            if !last { line += " " }
        }
        while line.hasSuffix(" ") { line.removeLast() }
        return line
    }

    static func paint(_ text: String, _ state: SocketState) -> String {
        let code: String
        switch state {
        case .listen: code = "32"
        case .established: code = "36"
        case .close: return text
        default: code = "33"
        }
        return "\u{1B}[\(code)m" + text + "\u{1B}[0m"
    }

    /// `0.0.0.0:53`, `[::1]:631`, `[::ffff:127.0.0.1]:5000`; a peer port 0 is `*`, as in ss.
    /// Beyond `width`, an IPv4-mapped address is shown as the IPv4 address it carries on the
    /// wire (`127.0.0.1:5000`), and other IPv6 addresses lose their middle, marked with `…`.
    public static func endpointText(_ entry: SocketEntry, _ endpoint: SocketEndpoint, peer: Bool,
                                    width: Int = .max) -> String {
        let port = endpoint.port == 0 ? "*" : String(endpoint.port)
        // ss: a dual-stack wildcard is `*`, and a bound interface follows the host as `%lo`.
        if entry.isDualStackWildcard && (!peer || endpoint.address.isUnspecified) { return "*:" + port }
        let scope = !peer ? entry.interfaceName.map { "%" + $0 } ?? "" : ""
        let host = entry.addressText(endpoint)
        if entry.family == .ipv4 { return host + scope + ":" + port }
        let room = width - port.count - 3 - scope.count
        if host.count <= room { return "[" + host + "]" + scope + ":" + port }
        if endpoint.address.isIPv4 { return endpoint.address.description + scope + ":" + port }
        return "[" + shorten(host, to: room) + "]" + scope + ":" + port
    }

    /// Cuts the middle out of an IPv6 address at group boundaries so that it fits in `room`
    /// characters, keeping as much as possible, the end (the host part) on a tie:
    /// `2001:db8:85a3::8a2e:370:7334` in 17 → `2001:db8…370:7334`.
    public static func shorten(_ host: String, to room: Int) -> String {
        let chars = Array(host)
        guard chars.count > room else { return host }
        guard room >= 2 else { return String(chars.suffix(max(room, 0))) }
        // A prefix ends before a colon, a suffix starts after one; either may be empty.
        let colons = chars.indices.filter { chars[$0] == ":" }
        let prefixEnds = [0] + colons
        let suffixStarts = colons.map { $0 + 1 } + [chars.count]
        var best: (Int, Int)?
        for p in prefixEnds {
            for s in suffixStarts where s > p && p + 1 + (chars.count - s) <= room {
                let kept = p + chars.count - s
                guard let current = best else { best = (p, s); continue }
                let currentKept = current.0 + chars.count - current.1
                // On a tie: both ends kept beats one end only; then the longer end.
                let bothEnds = p > 0 && s < chars.count, currentBoth = current.0 > 0 && current.1 < chars.count
                if kept > currentKept || (kept == currentKept && (bothEnds && !currentBoth
                    || bothEnds == currentBoth && s < current.1)) { best = (p, s) }
            }
        }
        guard let (p, s) = best, p + chars.count - s > 0 else {
            return "…" + String(chars.suffix(room - 1))
        }
        return String(chars[..<p]) + "…" + String(chars[s...])
    }

    /// `812/sshd`; `812/nginx +3` when more processes share the socket; `-` when unknown.
    public static func processText(_ processes: [SocketProcess], width: Int = .max) -> String {
        guard let first = processes.first else { return "-" }
        let more = processes.count > 1 ? " +\(processes.count - 1)" : ""
        let prefix = "\(first.pid)/"
        var program = first.program
        let room = width - prefix.count - more.count
        if program.count > room { program = truncate(program, to: max(room, 2)) }
        return prefix + program + more
    }

    static func truncate(_ text: String, to width: Int) -> String {
        guard text.count > width, width >= 1 else { return text }
        return String(text.prefix(width - 1)) + "…"
    }

    // MARK: JSON

    /// One JSON object, without a newline. `pid`/`program` are the first owner (or null);
    /// `processes` lists them all.
    public func json(_ entry: SocketEntry, service: String?) -> String {
        var fields: [(String, String)] = [
            ("netid", quote(entry.proto.rawValue)),
            ("family", quote(entry.family.rawValue)),
            ("state", quote(entry.state.ssName)),
            ("local_address", quote(entry.addressText(entry.local))),
            ("local_port", String(entry.local.port)),
            ("peer_address", quote(entry.addressText(entry.remote))),
            ("peer_port", String(entry.remote.port)),
            ("service", service.map(quote) ?? "null"),
            ("recv_q", String(entry.recvQ)),
            ("send_q", String(entry.sendQ)),
            ("uid", String(entry.uid)),
            ("inode", String(entry.inode)),
            ("local", quote(SocketsView.endpointText(entry, entry.local, peer: false))),
            ("peer", quote(SocketsView.endpointText(entry, entry.remote, peer: true))),
            ("v6only", entry.v6Only.map { $0 ? "true" : "false" } ?? "null"),
            ("interface", entry.interfaceName.map(quote) ?? "null"),
        ]
        fields.append(("pid", entry.owner.map { String($0.pid) } ?? "null"))
        fields.append(("program", entry.owner.map { quote($0.program) } ?? "null"))
        let processes = entry.processes.map {
            "{\"pid\":\($0.pid),\"program\":\(quote($0.program)),\"fd\":\($0.fd)}"
        }
        fields.append(("processes", "[" + processes.joined(separator: ",") + "]"))
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    public func jsonLines(_ table: SocketTable, services names: ServiceNames) -> [String] {
        zip(table.entries, table.services(names: names)).map { json($0, service: $1) }
    }

    func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
