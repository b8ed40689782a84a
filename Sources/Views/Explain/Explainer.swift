import Dissect
import Follow

/// `explain`: narrates each conversation in plain sentences, one line per step, with the
/// frame numbers. Port scans are told port by port with the scan detector's verdicts.
///
/// Run the follower with `reassembleAll` and hand its `streamData` chunks to
/// ``streamData(stream:fromA:chunk:)``, its ended conversations to ``ended(_:)``, and
/// every frame to ``observe(_:)``. Only the first ``prefixLimit`` payload bytes per
/// direction are kept.
public final class Explainer {
    public let language: ExplainLanguage
    /// Narrate only this TCP stream (no scan grouping then).
    public let onlyStream: Int?
    public static let prefixLimit = 64
    /// Characters of escaped payload text quoted at most.
    public static let quoteLimit = 40
    private let scans = ScanDetector()

    struct Side {
        var bytes = 0
        var segments = 0
        var firstFrame: Int?
        var lastFrame = 0
        var prefix: [UInt8] = []
        var fin: Int?
        var datagrams = 0
    }

    struct ICMPEvent {
        var frame: Int
        var time: Timestamp
        var type: UInt8
        var code: UInt8
        var v6: Bool
        var from: IPAddress
    }

    struct TCPStory {
        var stream: Int
        var a: Endpoint
        var b: Endpoint
        var sides = [Side(), Side()]
        var syns: [(frame: Int, time: Timestamp)] = []
        var synFromA = true
        var synAck: (frame: Int, time: Timestamp)?
        var handshakeAck: (frame: Int, time: Timestamp)?
        var rst: (frame: Int, time: Timestamp, fromA: Bool, flags: TCPFlags)?
        var icmp: ICMPEvent?
        var firstFrame: Int
        var state: ConnState?
        var clientIsA = true
    }

    struct UDPStory {
        var stream: Int
        var a: Endpoint
        var b: Endpoint
        var sides = [Side(), Side()]
        var firstTime: Timestamp
        var icmp: ICMPEvent?
        var firstFrame: Int
        var clientIsA = true
    }

    private var tcp: [Int: TCPStory] = [:]
    private var udp: [Int: UDPStory] = [:]
    /// Reassembled bytes per TCP stream and direction (from A, from B): count and first bytes.
    private var payload: [Int: [(bytes: Int, prefix: [UInt8])]] = [:]

    public init(language: ExplainLanguage = .english, onlyStream: Int? = nil) {
        self.language = language
        self.onlyStream = onlyStream
    }

    /// A follower set up for explaining: every stream reassembled, its callbacks wired here.
    public func makeFollower() -> Follower {
        var options = FollowerOptions()
        options.reassembleAll = true
        options.trackHTTP = false
        let follower = Follower(options: options)
        follower.streamData = { [weak self] stream, fromA, _, chunk in self?.streamData(stream: stream, fromA: fromA, chunk: chunk) }
        follower.conversationEnded = { [weak self] in self?.ended($0) }
        return follower
    }

    // MARK: - Collecting

    public func observe(_ input: FieldInput) {
        if onlyStream == nil { scans.observe(input) }
        let frame = input.frame, analysis = input.analysis
        guard let (src, dst) = frame.ipAddresses else { return }
        let time = frame.raw.timestamp
        if let segment = frame.tcp, let stream = analysis.tcpStream {
            if let onlyStream, stream != onlyStream { return }
            let source = Endpoint(address: src, port: segment.sourcePort)
            if tcp[stream] == nil {
                tcp[stream] = TCPStory(stream: stream, a: source, b: Endpoint(address: dst, port: segment.destinationPort),
                                       firstFrame: frame.number)
            }
            let flags = segment.flags
            let fromA = tcp[stream]!.a == source
            let i = fromA ? 0 : 1
            update(&tcp[stream]!) { s in
                if flags.contains(.syn) && !flags.contains(.ack) {
                    if s.syns.isEmpty { s.synFromA = fromA }
                    if fromA == s.synFromA { s.syns.append((frame.number, time)) }
                } else if flags.contains(.syn) && flags.contains(.ack) {
                    if s.synAck == nil { s.synAck = (frame.number, time) }
                } else if flags.contains(.ack) && !flags.contains(.rst) && s.synAck != nil && s.handshakeAck == nil
                            && fromA == s.synFromA && !s.syns.isEmpty {
                    s.handshakeAck = (frame.number, time)
                }
                if segment.segmentLength > 0 && !analysis.tcp.flags.contains(.retransmission) {
                    s.sides[i].segments += 1
                    if s.sides[i].firstFrame == nil { s.sides[i].firstFrame = frame.number }
                    s.sides[i].lastFrame = frame.number
                }
                if flags.contains(.fin) && s.sides[i].fin == nil { s.sides[i].fin = frame.number }
                if flags.contains(.rst) && s.rst == nil { s.rst = (frame.number, time, fromA, flags) }
            }
        } else if let datagram = frame.udp, let stream = analysis.udpStream {
            guard onlyStream == nil else { return }
            let source = Endpoint(address: src, port: datagram.sourcePort)
            if udp[stream] == nil {
                udp[stream] = UDPStory(stream: stream, a: source, b: Endpoint(address: dst, port: datagram.destinationPort),
                                       firstTime: time, firstFrame: frame.number)
            }
            let i = udp[stream]!.a == source ? 0 : 1
            let payload = frame.bytes.slice(datagram.payload)
            update(&udp[stream]!) { s in
                s.sides[i].datagrams += 1
                s.sides[i].bytes += payload.count
                if s.sides[i].firstFrame == nil {
                    s.sides[i].firstFrame = frame.number
                    s.sides[i].prefix = Array(payload.slice(0..<min(payload.count, Self.prefixLimit)))
                }
                s.sides[i].lastFrame = frame.number
            }
        } else if let quoted = frame.quoted {
            let type: UInt8, code: UInt8, v6: Bool
            if let icmp = frame.icmp { (type, code, v6) = (icmp.type, icmp.code, false) } else if let icmp = frame.icmpv6 {
                (type, code, v6) = (icmp.type, icmp.code, true)
            } else { return }
            let event = ICMPEvent(frame: frame.number, time: time, type: type, code: code, v6: v6, from: src)
            let quotedSource: IPAddress? = quoted.ipv4.map { IPAddress($0.source) } ?? quoted.ipv6.map { IPAddress($0.source) }
            if let stream = analysis.quotedTCPStream, let q = quoted.tcp, var s = tcp[stream] {
                // Only an error about the SYN sender's packet answers its attempt.
                let synSender = s.synFromA ? s.a : s.b
                if s.icmp == nil, quotedSource == synSender.address, q.sourcePort == synSender.port { s.icmp = event }
                tcp[stream] = s
            } else if let stream = analysis.quotedUDPStream, let q = quoted.udp, var s = udp[stream] {
                if s.icmp == nil, quotedSource == s.a.address, q.sourcePort == s.a.port { s.icmp = event }
                udp[stream] = s
            }
        }
    }

    private func update<T>(_ value: inout T, _ body: (inout T) -> Void) { body(&value) }

    public func streamData(stream: Int, fromA: Bool, chunk: StreamChunk) {
        guard onlyStream == nil || onlyStream == stream else { return }
        // Data can arrive before observe() sees the frame that carried it (the follower
        // delivers while it processes the frame), so it is kept apart until the end.
        let i = fromA ? 0 : 1
        var sides = payload[stream] ?? [(0, []), (0, [])]
        // Bytes a reassembly cap skipped were sent all the same: the totals count them.
        if case .limitReached(let skipped, _) = chunk {
            sides[i].bytes += skipped
            payload[stream] = sides
            return
        }
        guard case .data(_, let bytes) = chunk else { return }
        sides[i].bytes += bytes.count
        let room = Self.prefixLimit - sides[i].prefix.count
        if room > 0 { sides[i].prefix += Array(bytes.slice(0..<min(room, bytes.count))) }
        payload[stream] = sides
    }

    public func ended(_ conversation: Conversation) {
        switch conversation {
        case .tcp(let c):
            tcp[c.stream]?.state = c.state
            tcp[c.stream]?.clientIsA = c.client == c.sideA
        case .udp(let c):
            udp[c.stream]?.clientIsA = c.client == c.sideA
        }
    }

    // MARK: - Telling

    private func t(_ key: ExplainKey, _ values: [String: String] = [:]) -> String { language.text(key, values) }

    /// The narrative: blocks in the order they start, then what tells connections to one
    /// server port apart.
    public func write(to out: OutputBuffer) {
        var blocks: [(first: Int, lines: [String])] = []
        var scannedTCP: Set<Int> = [], scannedUDP: Set<Int> = []
        if onlyStream == nil {
            for report in scans.finish() {
                blocks.append((report.firstFrame, scanLines(report)))
                for port in report.ports {
                    for probe in port.probes {
                        guard let stream = probe.stream else { continue }
                        if report.transport == .tcp { scannedTCP.insert(stream) } else { scannedUDP.insert(stream) }
                    }
                }
            }
        }
        let tcpStories = tcp.values.filter { !scannedTCP.contains($0.stream) }.sorted { $0.stream < $1.stream }.map { story in
            var s = story
            for i in 0..<2 {
                s.sides[i].bytes = payload[s.stream]?[i].bytes ?? 0
                s.sides[i].prefix = payload[s.stream]?[i].prefix ?? []
            }
            return s
        }
        let udpStories = udp.values.filter { !scannedUDP.contains($0.stream) }.sorted { $0.stream < $1.stream }
        for s in tcpStories { blocks.append((s.firstFrame, tcpLines(s))) }
        for s in udpStories { blocks.append((s.firstFrame, udpLines(s))) }
        if blocks.isEmpty {
            out.string(t(.noConversations) + "\n")
            return
        }
        for (n, block) in blocks.sorted(by: { $0.first < $1.first }).enumerated() {
            if n > 0 { out.byte(10) }
            for (i, line) in block.lines.enumerated() {
                if i > 0 { out.ascii("  ") }
                out.string(line)
                out.byte(10)
            }
            out.flushIfFull()
        }
        let notes = sharedPortNotes(tcp: tcpStories, udp: udpStories)
        if !notes.isEmpty {
            out.byte(10)
            for note in notes { out.string(note + "\n") }
        }
    }

    /// Clauses joined into one sentence: "; " between, capital first, full stop.
    static func sentence(_ clauses: [String]) -> String {
        var text = clauses.joined(separator: "; ")
        if let first = text.first { text = first.uppercased() + text.dropFirst() }
        return text.hasSuffix(".") ? text : text + "."
    }

    func duration(_ ns: Int64) -> String {
        let ns = max(ns, 0)
        if ns >= 1_000_000_000 {
            let tenths = (ns + 50_000_000) / 100_000_000
            return "\(tenths / 10)\(language.decimalSeparator)\(tenths % 10) s"
        }
        let hundredths = (ns + 5_000) / 10_000
        let frac = hundredths % 100
        return "\(hundredths / 100)\(language.decimalSeparator)\(frac < 10 ? "0" : "")\(frac) ms"
    }

    /// Payload bytes for the terminal: escaped, shortened, between backticks.
    public static func quote(_ prefix: [UInt8], total: Int) -> String {
        let out = OutputBuffer(fileDescriptor: nil, flushThreshold: 256)
        var used = 0
        prefix.withUnsafeBytes { raw in
            let view = ByteView(raw)
            while used < view.count && out.count < quoteLimit {
                out.escaped(view.slice(used..<(used + 1)))
                used += 1
            }
        }
        var text = out.text
        if text.contains("`") { text = text.replacingBackticks() }
        return "`" + text + (used < total ? "…" : "") + "`"
    }

    private func frames(_ side: Side) -> String {
        guard let first = side.firstFrame else { return "" }
        if side.segments <= 1 { return t(.frameOne, ["frame": "\(first)"]) }
        return t(.framesMany, ["count": "\(side.segments)", "first": "\(first)", "last": "\(side.lastFrame)"])
    }

    private func retries(_ probes: [(frame: Int, time: Timestamp)]) -> String {
        guard probes.count > 1 else { return t(.notRetried) }
        let span = duration(probes[probes.count - 1].time.nanoseconds(since: probes[0].time))
        let list = probes.dropFirst().map { "\($0.frame)" }.joined(separator: ", ")
        if probes.count == 2 { return t(.retriedOnce, ["time": span, "frames": list]) }
        return t(.retriedMany, ["count": "\(probes.count - 1)", "time": span, "frames": list])
    }

    func icmpName(type: UInt8, code: UInt8, v6: Bool) -> String {
        let key: ExplainKey?
        if !v6 {
            switch (type, code) {
            case (3, 0): key = .icmpNetUnreach
            case (3, 1): key = .icmpHostUnreach
            case (3, 2): key = .icmpProtoUnreach
            case (3, 3): key = .icmpPortUnreach
            case (3, 9): key = .icmpNetProhibited
            case (3, 10): key = .icmpHostProhibited
            case (3, 13): key = .icmpAdminProhibited
            case (11, _): key = .icmpTimeExceeded
            default: key = nil
            }
        } else {
            switch (type, code) {
            case (1, 0): key = .icmp6NoRoute
            case (1, 1), (1, 5): key = .icmp6AdminProhibited
            case (1, 2): key = .icmp6BeyondScope
            case (1, 3): key = .icmp6AddressUnreach
            case (1, 4): key = .icmp6PortUnreach
            case (1, 6): key = .icmp6RejectRoute
            case (3, _): key = .icmpTimeExceeded
            default: key = nil
            }
        }
        let name = key.map { t($0) } ?? t(.icmpOther, ["type": "\(type)", "code": "\(code)"])
        return "\(type)/\(code) \(name)"
    }

    private static func isPortUnreachable(_ e: ICMPEvent) -> Bool {
        e.v6 ? (e.type == 1 && e.code == 4) : (e.type == 3 && e.code == 3)
    }

    private func stateMeaning(_ state: ConnState) -> String {
        let key: ExplainKey
        switch state {
        case .S0: key = .stateS0
        case .S1: key = .stateS1
        case .S2: key = .stateS2
        case .S3: key = .stateS3
        case .SF: key = .stateSF
        case .REJ: key = .stateREJ
        case .RSTO: key = .stateRSTO
        case .RSTR: key = .stateRSTR
        case .RSTOS0: key = .stateRSTOS0
        case .RSTRH: key = .stateRSTRH
        case .SH: key = .stateSH
        case .SHR: key = .stateSHR
        case .OTH: key = .stateOTH
        }
        return t(key)
    }

    func tcpLines(_ s: TCPStory) -> [String] {
        let client = s.clientIsA ? s.a : s.b, server = s.clientIsA ? s.b : s.a
        let ci = s.clientIsA ? 0 : 1, si = 1 - ci
        let stateText = s.state?.rawValue ?? "?"
        var lines = [t(.headingTCP, ["stream": "\(s.stream)", "client": "\(client)", "server": "\(server)"])]
        var usedRST = false
        if let first = s.syns.first {
            let opener = s.synFromA ? s.a : s.b, target = s.synFromA ? s.b : s.a
            let names = ["client": "\(opener)", "server": "\(target)", "frame": "\(first.frame)"]
            let last = s.syns[s.syns.count - 1]
            var retried: [String] = []
            if s.syns.count > 1 {
                retried = [t(.synRetried, ["count": "\(s.syns.count - 1)",
                                           "frames": s.syns.dropFirst().map { "\($0.frame)" }.joined(separator: ", ")])]
            }
            if let synAck = s.synAck {
                var clauses = [t(.opened, names)] + retried + [t(.accepted, ["frame": "\(synAck.frame)"])]
                if let ack = s.handshakeAck {
                    clauses.append(t(.handshakeComplete, ["time": duration(ack.time.nanoseconds(since: first.time))]))
                } else if let rst = s.rst, rst.fromA == s.synFromA, rst.frame > synAck.frame {
                    clauses.append(t(.halfOpenReset, ["frame": "\(rst.frame)"]))
                    usedRST = true
                } else {
                    clauses.append(t(.handshakeNotCompleted))
                }
                lines.append(Self.sentence(clauses))
            } else if let rst = s.rst, rst.fromA != s.synFromA {
                let refused = t(.refused, ["flags": ScanView.tcpFlagsName(rst.flags), "frame": "\(rst.frame)",
                                           "time": duration(rst.time.nanoseconds(since: last.time)),
                                           "port": "\(target.port)", "state": stateText])
                lines.append(Self.sentence([t(.triedToOpen, names)] + retried + [refused]))
                lines.append(t(.resetLooksClosed))
                return lines
            } else if let icmp = s.icmp {
                let meaning = Self.isPortUnreachable(icmp) ? t(.meaningTCPPortUnreach) : t(.meaningFilteredICMP)
                let answer = t(.icmpAnswer, ["from": "\(icmp.from)", "icmp": icmpName(type: icmp.type, code: icmp.code, v6: icmp.v6),
                                             "frame": "\(icmp.frame)", "time": duration(icmp.time.nanoseconds(since: last.time)),
                                             "port": "\(target.port)", "meaning": meaning])
                lines.append(Self.sentence([t(.triedToOpen, names)] + retried + [answer]))
                return lines
            } else {
                lines.append(Self.sentence([t(.triedToOpen, names)]))
                lines.append(t(.noAnswer, ["port": "\(target.port)", "retries": retries(s.syns), "state": stateText]))
                return lines
            }
        } else {
            lines.append(Self.sentence([t(.midstream, ["client": "\(client)", "server": "\(server)"])]))
        }
        // Data, then the close, in one sentence.
        var clauses: [String] = []
        let cs = s.sides[ci], ss = s.sides[si]
        func values(_ side: Side) -> [String: String] {
            ["bytes": "\(side.bytes)", "text": Self.quote(side.prefix, total: side.bytes), "frames": frames(side)]
        }
        if cs.bytes > 0 && (ss.bytes == 0 || (cs.firstFrame ?? 0) <= (ss.firstFrame ?? 0)) {
            clauses.append(t(.clientSent, values(cs)))
            clauses.append(ss.bytes > 0 ? t(.serverAnswered, values(ss)) : t(.serverSentNothing))
        } else if ss.bytes > 0 {
            clauses.append(t(.serverSentFirst, values(ss)))
            if cs.bytes > 0 { clauses.append(t(.clientAnswered, values(cs))) }
        }
        if let cf = cs.fin, ss.fin == nil || cf < ss.fin! {
            clauses.append(ss.bytes > 0 && ss.lastFrame > cf ? t(.halfClose, ["frame": "\(cf)"]) : t(.clientClosedFirst, ["frame": "\(cf)"]))
            if let sf = ss.fin { clauses.append(t(.serverClosedToo, ["frame": "\(sf)"])) }
        } else if let sf = ss.fin {
            clauses.append(t(.serverClosedFirst, ["frame": "\(sf)"]))
            if let cf = cs.fin { clauses.append(t(.clientClosedToo, ["frame": "\(cf)"])) }
        }
        if let rst = s.rst, !usedRST {
            let fromClient = rst.fromA == s.clientIsA
            clauses.append(t(fromClient ? .clientReset : .serverReset, ["frame": "\(rst.frame)"]))
        }
        if let state = s.state {
            clauses.append(state == .SF ? t(.endedNormally) : t(.zeekState, ["meaning": stateMeaning(state), "state": state.rawValue]))
        }
        lines.append(Self.sentence(clauses))
        return lines
    }

    func udpLines(_ s: UDPStory) -> [String] {
        let client = s.clientIsA ? s.a : s.b, server = s.clientIsA ? s.b : s.a
        let cs = s.sides[s.clientIsA ? 0 : 1], ss = s.sides[s.clientIsA ? 1 : 0]
        var lines = [t(.headingUDP, ["stream": "\(s.stream)", "client": "\(client)", "server": "\(server)"])]
        var clauses: [String] = []
        func values(_ side: Side) -> [String: String] {
            ["client": "\(client)", "server": "\(server)", "count": "\(side.datagrams)", "bytes": "\(side.bytes)",
             "text": Self.quote(side.prefix, total: side.datagrams == 1 ? side.bytes : side.prefix.count),
             "frame": "\(side.firstFrame ?? 0)"]
        }
        if cs.datagrams > 0 { clauses.append(t(cs.datagrams == 1 ? .udpSentOne : .udpSentMany, values(cs))) }
        if ss.datagrams > 0 {
            clauses.append(t(ss.datagrams == 1 ? .udpAnsweredOne : .udpAnsweredMany, values(ss)))
        } else if let icmp = s.icmp, s.clientIsA {
            let values = ["from": "\(icmp.from)", "icmp": icmpName(type: icmp.type, code: icmp.code, v6: icmp.v6),
                          "frame": "\(icmp.frame)", "time": duration(icmp.time.nanoseconds(since: s.firstTime)),
                          "port": "\(server.port)", "meaning": t(.meaningFilteredICMP)]
            let closed = Self.isPortUnreachable(icmp) && icmp.from == server.address
            clauses.append(t(closed ? .udpClosed : .icmpAnswer, values))
        } else {
            clauses.append(t(.udpNoAnswer))
        }
        lines.append(Self.sentence(clauses))
        return lines
    }

    func scanLines(_ report: ScanReport) -> [String] {
        let typeKey: ExplainKey, probeKey: ExplainKey
        switch report.scanType {
        case .syn: (typeKey, probeKey) = (.scanSyn, .probeSyn)
        case .connect: (typeKey, probeKey) = (.scanConnect, .probeSyn)
        case .ack: (typeKey, probeKey) = (.scanAck, .probeAck)
        case .fin: (typeKey, probeKey) = (.scanFin, .probeFin)
        case .null: (typeKey, probeKey) = (.scanNull, .probeNull)
        case .xmas: (typeKey, probeKey) = (.scanXmas, .probeXmas)
        case .maimon: (typeKey, probeKey) = (.scanMaimon, .probeMaimon)
        case .udp: (typeKey, probeKey) = (.scanUDP, .probeUDP)
        }
        var lines = [t(.headingScan, ["scanner": "\(report.scanner)", "count": "\(report.ports.count)",
                                      "proto": report.transport.rawValue.uppercased(), "target": "\(report.target)",
                                      "scanType": t(typeKey), "first": "\(report.firstFrame)", "last": "\(report.lastFrame)"])]
        let probe = t(probeKey)
        for v in report.ports {
            var clauses: [String] = []
            if v.reason == .noResponse, v.response == nil || report.scanType != .connect {
                clauses.append(t(.scanNoAnswer, ["probe": probe, "retries": retries(v.probes.map { ($0.frame, $0.time) })]))
            } else if let r = v.response {
                let answered = v.probes.last { $0.sourcePort == r.answeredPort && $0.time <= r.time } ?? v.probes[0]
                let answer: String
                switch r.kind {
                case .tcp(let flags):
                    if flags.contains(.syn) && flags.contains(.ack) { answer = t(.answerSynAck) } else if flags.contains(.rst) {
                        answer = t(.answerReset, ["flags": ScanView.tcpFlagsName(flags)])
                    } else { answer = t(.answerSyn) }
                case .udp:
                    answer = t(.answerUDP)
                case .icmp(let type, let code, let v6):
                    let from = r.source == v.target ? "" : t(.fromHost, ["host": "\(r.source)"])
                    answer = t(.answerICMP, ["icmp": icmpName(type: type, code: code, v6: v6), "from": from])
                }
                clauses.append(t(.scanAnswered, ["probe": probe, "probeFrame": "\(answered.frame)", "answer": answer,
                                                 "frame": "\(r.frame)", "time": duration(v.waited)]))
                if let first = v.followUps.first {
                    if report.scanType == .syn, first.flags.contains(.rst) {
                        clauses.append(t(.scanHalfOpen, ["frame": "\(first.frame)"]))
                    } else if report.scanType == .connect {
                        clauses.append(t(.scanConnected, ["flags": v.followUps.map { ScanView.tcpFlagsName($0.flags) }.joined(separator: ", "),
                                                          "frames": v.followUps.map { "\($0.frame)" }.joined(separator: ", ")]))
                    }
                }
            }
            let meaning: ExplainKey
            let stateKey: ExplainKey
            switch v.state {
            case .open:
                stateKey = .stateOpen
                meaning = v.transport == .udp ? .meaningOpenUDP : .meaningOpen
            case .closed:
                stateKey = .stateClosed
                if case .icmp = v.response?.kind, v.transport == .tcp { meaning = .meaningClosedICMP } else { meaning = .meaningClosed }
            case .filtered:
                stateKey = .stateFiltered
                if v.reason == .noResponse {
                    meaning = .meaningFilteredDrop
                } else if v.reason == .portUnreach && v.transport == .tcp {
                    meaning = .meaningTCPPortUnreach
                } else {
                    meaning = .meaningFilteredICMP
                }
            case .unfiltered:
                stateKey = .stateUnfiltered
                meaning = .meaningUnfiltered
            case .openFiltered:
                stateKey = .stateOpenFiltered
                meaning = .meaningOpenFiltered
            }
            var line = t(.scanPort, ["port": "\(v.port)", "what": clauses.joined(separator: "; "), "state": t(stateKey),
                                     "meaning": t(meaning)])
            if v.closedByReset { line += " " + t(.resetLooksClosed) }
            lines.append(line)
        }
        return lines
    }

    /// Conversations to the same server port, and what tells them apart.
    func sharedPortNotes(tcp: [TCPStory], udp: [UDPStory]) -> [String] {
        var notes: [String] = []
        func note(_ proto: String, _ members: [(stream: Int, client: Endpoint, server: Endpoint)]) {
            var groups: [Endpoint: [(stream: Int, client: Endpoint, server: Endpoint)]] = [:]
            for m in members { groups[m.server, default: []].append(m) }
            for (server, list) in groups.sorted(by: { $0.value[0].stream < $1.value[0].stream }) where list.count >= 2 {
                let streams = list.map { "\($0.stream)" }.joined(separator: ", ")
                let addresses = Set(list.map(\.client.address))
                if addresses.count == 1 {
                    notes.append(t(.sharedPort, ["proto": proto, "streams": streams, "server": "\(server)",
                                                 "client": "\(list[0].client.address)",
                                                 "ports": list.map { "\($0.client.port)" }.joined(separator: ", ")]))
                } else {
                    notes.append(t(.sharedPortAddress, ["proto": proto, "streams": streams, "server": "\(server)",
                                                        "clients": list.map { "\($0.client)" }.joined(separator: ", ")]))
                }
            }
        }
        note("TCP", tcp.map { s in (s.stream, s.clientIsA ? s.a : s.b, s.clientIsA ? s.b : s.a) })
        note("UDP", udp.map { s in (s.stream, s.clientIsA ? s.a : s.b, s.clientIsA ? s.b : s.a) })
        if !notes.isEmpty { notes.append(t(.noPid)) }
        return notes
    }
}

extension String {
    /// Backticks in quoted payload would end the quote early; show them escaped.
    func replacingBackticks() -> String {
        var result = ""
        for c in self { result += c == "`" ? "\\x60" : String(c) }
        return result
    }
}
