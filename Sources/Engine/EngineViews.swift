import Dissect
import Follow
import Foundation
import Views

/// The views' facts as JSON. Each is one pass that drives the same view code as the
/// matching command (`conversations`, `follow`, `flow`, `http`, `scan`, `explain`), and
/// carries that command's text as `text` too, so a client can show or compare it.
extension CaptureEngine {
    private static func text(_ body: (OutputBuffer) -> Void) -> String {
        let out = OutputBuffer(fileDescriptor: nil)
        body(out)
        return out.text
    }

    private static func endpoint(_ e: Endpoint) -> String {
        e.address.isIPv4 ? "\(e.address):\(e.port)" : "[\(e.address)]:\(e.port)"
    }

    /// `/api/conversations`: TCP and UDP conversations in the order they began.
    public func conversationsJSON() throws -> [UInt8] {
        var options = FollowerOptions()
        options.trackHTTP = false
        options.analyzeSequences = false
        let follower = Follower(options: options)
        var list: [ConversationSummary] = []
        follower.conversationEnded = { list.append(ConversationSummary($0)) }
        var reference: Timestamp?
        _ = try pass(depth: .transport, follower: follower) { input in
            if reference == nil { reference = input.reference }
            return true
        }
        follower.finish()
        list.sort { $0.ordinal < $1.ordinal }
        let view = ConversationsView(style: .table, color: false, width: 100)
        let table = Self.text { out in view.writeTable(list, reference: reference ?? .zero, to: out) }
        var json = JSONText()
        json.object { j in
            j.key("conversations")
            j.array { a in
                for c in list {
                    a.object { o in
                        o.field("transport", c.transport.rawValue)
                        o.key("stream"); o.int(c.stream)
                        o.field("client", Self.endpoint(c.client))
                        o.field("server", Self.endpoint(c.server))
                        o.key("client_port"); o.int(Int(c.client.port))
                        o.key("server_port"); o.int(Int(c.server.port))
                        o.field("service", c.service)
                        o.field("state", c.state.rawValue)
                        o.field("history", c.history)
                        o.key("client_packets"); o.int(c.clientPackets)
                        o.key("server_packets"); o.int(c.serverPackets)
                        o.key("client_bytes"); o.int(Int(c.clientPayload))
                        o.key("server_bytes"); o.int(Int(c.serverPayload))
                        o.key("first_frame"); o.int(c.firstFrame)
                        o.key("start"); o.double(Double(c.start.nanoseconds(since: reference ?? .zero)) / 1e9)
                        o.key("duration"); o.double(Double(c.duration) / 1e9)
                    }
                }
            }
            j.field("text", table)
        }
        return json.bytes
    }

    /// `/api/follow?stream=N`: the reassembled stream as chunks `{"side", "frame", "data"}`
    /// (base64; a gap has `"gap": bytes` instead), plus the two nodes.
    public func followJSON(stream: Int, limit: Int = 16 << 20) throws -> [UInt8] {
        var options = FollowerOptions()
        options.reassembleStreams = [stream]
        options.trackHTTP = false
        let follower = Follower(options: options)
        let out = OutputBuffer(fileDescriptor: nil)
        let view = FollowView(format: .ascii, direction: .both, color: false, out: out)
        var chunks = JSONText()
        var header: (Endpoint, Endpoint)?
        var clientNode: Endpoint?
        // A page cannot show gigabytes: past `limit` bytes the chunks are only counted.
        var shown = 0, left = 0
        follower.streamData = { s, fromA, fromClient, chunk in
            if header == nil, let c = follower.tcpConversation(stream: s) {
                header = (c.sideA, c.sideB)
                view.writeHeader(stream: s, a: c.sideA, b: c.sideB)
            }
            if clientNode == nil, let c = follower.tcpConversation(stream: s) {
                clientNode = fromClient == fromA ? c.sideA : c.sideB
            }
            view.write(chunk, fromA: fromA, fromClient: fromClient)
            if case .data(_, let bytes) = chunk {
                if shown >= limit {
                    left += bytes.count
                    return
                }
                shown += bytes.count
            }
            chunks.object { o in
                o.field("side", fromClient ? "client" : "server")
                o.field("from", fromA ? "a" : "b")
                switch chunk {
                case .data(let frame, let bytes):
                    o.key("frame"); o.int(frame)
                    o.field("data", Data(Array(bytes)).base64EncodedString())
                case .gap(let bytes):
                    o.key("frame"); o.null()
                    o.key("gap"); o.int(bytes)
                case .limitReached(let bytes, _):
                    // Skipped by a memory cap, not missing from the capture.
                    o.key("frame"); o.null()
                    o.key("skipped"); o.int(bytes)
                }
            }
        }
        follower.conversationEnded = { conversation in
            guard case .tcp(let c) = conversation, c.stream == stream, header == nil else { return }
            header = (c.sideA, c.sideB)
            view.writeHeader(stream: c.stream, a: c.sideA, b: c.sideB)
        }
        _ = try pass(follower: follower) { _ in true }
        follower.finish()
        view.writeFooter()
        var json = JSONText()
        json.object { j in
            j.key("stream"); j.int(stream)
            j.field("found", header != nil)
            j.field("a", header.map { Self.endpoint($0.0) })
            j.field("b", header.map { Self.endpoint($0.1) })
            j.field("client", clientNode.map(Self.endpoint))
            j.key("chunks")
            j.array { _ in }
            j.key("omitted_bytes"); j.int(left)
            j.field("text", header == nil ? "" : String(out.text.prefix(limit)))
        }
        var bytes = json.bytes
        if let marker = Self.find(Array("\"chunks\":[".utf8), in: bytes) {
            // The chunk objects, comma-separated already, go into the empty array.
            bytes.insert(contentsOf: chunks.bytes, at: marker)
        }
        return bytes
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] {
            if Array(hay[i..<(i + needle.count)]) == needle { return i + needle.count }
        }
        return nil
    }

    /// `/api/flow?stream=N`: lanes and arrows as `tcpwatch flow` draws them (all streams,
    /// lanes per host, when no stream is given).
    public func flowJSON(stream: Int?) throws -> [UInt8] {
        let view = FlowView(lanesByHost: stream == nil)
        _ = try pass { input in
            if let stream, input.analysis.tcpStream != stream && input.analysis.quotedTCPStream != stream { return true }
            view.add(input)
            return true
        }
        let text = Self.text { view.writeText(to: $0, width: 100, color: false) }
        var json = JSONText()
        json.object { j in
            j.key("lanes")
            j.array { a in for lane in view.lanes { a.string(lane) } }
            j.key("arrows")
            j.array { a in
                for arrow in view.arrows {
                    a.object { o in
                        o.key("frame"); o.int(arrow.frame)
                        o.key("time"); o.double(Double(arrow.time) / 1e9)
                        o.key("from"); o.int(arrow.from)
                        o.key("to"); o.int(arrow.to)
                        o.field("label", arrow.label)
                        o.field("kind", "\(arrow.kind)")
                    }
                }
            }
            j.key("omitted"); j.int(view.omitted)
            j.field("text", text)
        }
        return json.bytes
    }

    /// `/api/http`: the HTTP transactions, as `tcpwatch http` lists them.
    public func httpJSON() throws -> [UInt8] {
        var options = FollowerOptions()
        options.trackHTTP = true
        options.keepHTTPTransactions = true
        options.httpBodyLimit = 0
        let follower = Follower(options: options)
        var transactions: [HTTPTransaction] = []
        follower.httpTransaction = { transactions.append($0) }
        _ = try pass(follower: follower) { _ in true }
        follower.finish()
        transactions.sort { ($0.request?.firstFrame ?? $0.response?.firstFrame ?? 0) < ($1.request?.firstFrame ?? $1.response?.firstFrame ?? 0) }
        let view = HTTPView(width: 100)
        let text = Self.text { out in
            view.writeHeader(to: out)
            for t in transactions { view.write(t, to: out) }
        }
        var json = JSONText()
        json.object { j in
            j.key("transactions")
            j.array { a in
                for t in transactions {
                    a.object { o in
                        o.key("stream"); o.int(t.stream)
                        o.key("first_frame"); o.int(t.request?.firstFrame ?? t.response?.firstFrame ?? 0)
                        o.key("last_frame"); o.int(t.response?.lastFrame ?? t.request?.lastFrame ?? 0)
                        o.field("method", t.request?.method)
                        o.field("host", t.request?.host)
                        o.field("uri", t.request?.uri)
                        o.field("status", t.response?.statusCode)
                        o.field("content_type", t.response?.contentType)
                        o.field("body_length", t.response?.bodyLength)
                    }
                }
            }
            j.field("text", text)
        }
        return json.bytes
    }

    /// `/api/scan`: the scan verdicts per port, each with its evidence frames.
    public func scanJSON(minimumPorts: Int = 3) throws -> [UInt8] {
        var options = FollowerOptions()
        options.trackHTTP = false
        let detector = ScanDetector(minimumPorts: minimumPorts)
        _ = try pass(options: options) { detector.observe($0); return true }
        let reports = detector.finish()
        let view = ScanView()
        let text = Self.text { view.writeTable(reports, to: $0) }
        var json = JSONText()
        json.object { j in
            j.key("scans")
            j.array { a in
                for report in reports {
                    a.object { o in
                        o.field("scanner", report.scanner.description)
                        o.field("target", report.target.description)
                        o.field("type", report.scanType.rawValue)
                        o.field("title", ScanView.title(report.scanType))
                        o.key("first_frame"); o.int(report.firstFrame)
                        o.key("last_frame"); o.int(report.lastFrame)
                        o.key("ports")
                        o.array { ports in
                            for p in report.ports {
                                ports.object { q in
                                    q.key("port"); q.int(Int(p.port))
                                    q.field("proto", p.transport.rawValue)
                                    q.field("state", p.state.rawValue)
                                    // nmap's SERVICE, as `tcpwatch scan` prints it (/etc/services).
                                    q.field("service", ScanView.service(p, view.services))
                                    q.field("reason", p.reason.rawValue)
                                    q.key("frames"); q.array { f in for n in p.frames { f.int(n) } }
                                    q.field("response", p.response.map { ScanView.responseName($0.kind) })
                                }
                            }
                        }
                    }
                }
            }
            j.key("dropped"); j.int(detector.dropped)
            j.field("text", text)
        }
        return json.bytes
    }

    /// `/api/explain?stream=N&lang=en|nl`: `tcpwatch explain`'s sentences.
    public func explainJSON(stream: Int?, language: String) throws -> [UInt8] {
        let explainer = Explainer(language: ExplainLanguage.named(language) ?? .english, onlyStream: stream)
        let follower = explainer.makeFollower()
        _ = try pass(follower: follower) { explainer.observe($0); return true }
        follower.finish()
        let text = Self.text { explainer.write(to: $0) }
        var json = JSONText()
        json.object { j in
            j.field("stream", stream)
            j.field("lang", language)
            j.field("text", text)
        }
        return json.bytes
    }

    /// `/api/expert`: Wireshark's expert items (notes, warnings, errors) from the frames'
    /// trees: retransmissions, resets, zero windows, malformed frames.
    public func expertJSON(limit: Int = 20_000) throws -> [UInt8] {
        var items = JSONText()
        var count = 0
        var bySeverity: [String: Int] = [:]
        _ = try pass(options: Self.treeOptions) { input in
            let interesting = !input.frame.issues.isEmpty || input.frame.tcp?.flags.contains(.rst) == true
                || !input.analysis.tcp.flags.isEmpty
            guard interesting else { return true }
            let tree = PacketTree.build(input)
            for root in tree.roots {
                root.walk { node, _ in
                    guard node.field == "_ws.expert" || node.field == "_ws.malformed" else { return }
                    let severity = node.children.first { $0.field == "_ws.expert.severity" }.map(Self.severityName) ?? "error"
                    guard severity != "chat" else { return }
                    bySeverity[severity, default: 0] += 1
                    count += 1
                    guard count <= limit else { return }
                    items.object { o in
                        o.key("frame"); o.int(input.frame.number)
                        o.field("stream", input.analysis.tcpStream)
                        o.field("severity", severity)
                        o.field("group", node.children.first { $0.field == "_ws.expert.group" }?.label.replacingOccurrences(of: "Group: ", with: ""))
                        o.field("protocol", root.field)
                        o.field("message", node.children.first?.label ?? node.label)
                    }
                }
            }
            return true
        }
        var json = JSONText()
        json.object { j in
            j.key("items")
            j.array { _ in }
            j.key("total"); j.int(count)
            j.key("severities")
            j.object { o in for (k, v) in bySeverity.sorted(by: { $0.key < $1.key }) { o.key(k); o.int(v) } }
        }
        var bytes = json.bytes
        if let at = Self.find(Array("\"items\":[".utf8), in: bytes) { bytes.insert(contentsOf: items.bytes, at: at) }
        return bytes
    }

    private static func severityName(_ node: FieldNode) -> String {
        // "Severity level: Warning"
        let name = node.label.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return name ?? "note"
    }

    /// `/api/iograph?interval=S`: packets and bytes per interval (and per interval those of
    /// `filter`, when given), from the first frame's time.
    public func ioGraphJSON(interval: Double, filter: String?) throws -> [UInt8] {
        let display = try filter.flatMap { $0.isEmpty ? nil : $0 }.map { text throws(DisplayFilterError) in try DisplayFilter(text) }
        var step = max(interval, 0.000_001)
        var packets: [Int] = [], bytes: [Int] = [], matched: [Int] = []
        var reference: Timestamp?
        let maxBuckets = 100_000
        _ = try pass(depth: display == nil ? .transport : .application) { input in
            if reference == nil { reference = input.reference }
            let t = Double(input.frame.raw.timestamp.nanoseconds(since: input.reference)) / 1e9
            var i = max(0, Int(t / step))
            while i >= maxBuckets {
                // Too many intervals: double them, folding pairs.
                step *= 2
                packets = Self.fold(packets); bytes = Self.fold(bytes); matched = Self.fold(matched)
                i = max(0, Int(t / step))
            }
            while packets.count <= i { packets.append(0); bytes.append(0); matched.append(0) }
            packets[i] += 1
            bytes[i] += input.frame.raw.originalLength
            if let display, display.matches(input) { matched[i] += 1 }
            return true
        }
        var json = JSONText()
        json.object { j in
            j.key("interval"); j.double(step)
            j.key("packets"); j.array { a in for v in packets { a.int(v) } }
            j.key("bytes"); j.array { a in for v in bytes { a.int(v) } }
            if display != nil { j.key("matched"); j.array { a in for v in matched { a.int(v) } } }
        }
        return json.bytes
    }

    private static func fold(_ values: [Int]) -> [Int] {
        stride(from: 0, to: values.count, by: 2).map { values[$0] + ($0 + 1 < values.count ? values[$0 + 1] : 0) }
    }

    /// `/api/tcpgraph?stream=N`: one point per segment of a TCP stream (relative time,
    /// relative sequence number, length, acknowledgment, direction) for the Stevens graph.
    public func tcpGraphJSON(stream: Int) throws -> [UInt8] {
        var points = JSONText()
        _ = try pass(depth: .transport) { input in
            guard input.analysis.tcpStream == stream, let tcp = input.frame.tcp else { return true }
            points.object { o in
                o.key("frame"); o.int(input.frame.number)
                o.key("time"); o.double(Double(input.frame.raw.timestamp.nanoseconds(since: input.reference)) / 1e9)
                o.key("seq"); o.int(Int(input.analysis.relativeSeq))
                o.key("len"); o.int(tcp.segmentLength)
                o.key("ack"); o.int(Int(input.analysis.relativeAck))
                o.field("client", input.analysis.fromClient)
                o.field("flags", FlowViewLabels.flags(tcp.flags))
            }
            return true
        }
        var json = JSONText()
        json.object { j in
            j.key("stream"); j.int(stream)
            j.key("points"); j.array { _ in }
        }
        var bytes = json.bytes
        if let at = Self.find(Array("\"points\":[".utf8), in: bytes) { bytes.insert(contentsOf: points.bytes, at: at) }
        return bytes
    }

    /// The frames `filter` selects (or `frames`, the marked ones), written as a capture
    /// file in memory: `pcapng` keeps each frame's interface.
    public func save(filter: String?, frames marked: Set<Int>?, pcapng: Bool) throws -> [UInt8] {
        let selected: Set<UInt32>? = try filter.flatMap { $0.isEmpty ? nil : $0 }.map { Set(try matches($0)) }
        var template = "/tmp/tcpwatch-save-XXXXXX".utf8CString
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw EngineError.cannotCreateTemporaryFile }
        let name = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        close(fd)
        defer { unlink(name) }
        let reader = try CaptureFileReader(path: path)
        let ng = pcapng ? try PcapngWriter(path: name, interfaces: reader.interfaces) : nil
        let plain = pcapng ? nil : try PcapWriter(path: name, linkType: reader.interfaces.first?.linkType ?? .ethernet)
        var n = 0
        let limit = frameCount
        while n < limit, let raw = try reader.next() {
            n += 1
            if let selected, !selected.contains(UInt32(n)) { continue }
            if let marked, !marked.contains(n) { continue }
            if let ng { try ng.write(raw) } else { try plain?.write(raw) }
        }
        try ng?.flush()
        try plain?.flush()
        return try [UInt8](Data(contentsOf: URL(fileURLWithPath: name)))
    }
}

/// TCP flag names in the order Wireshark lists them in the Info column.
enum FlowViewLabels {
    static func flags(_ f: TCPFlags) -> String {
        let names: [(TCPFlags, String)] = [(.syn, "SYN"), (.fin, "FIN"), (.rst, "RST"), (.psh, "PSH"), (.ack, "ACK"), (.urg, "URG")]
        return names.filter { f.contains($0.0) }.map(\.1).joined(separator: ",")
    }
}
