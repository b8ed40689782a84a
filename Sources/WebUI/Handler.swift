import Engine
import FlyingFox
import Foundation

/// Routes every request: the checks first, then the page, its assets, the API or the live socket.
struct Handler: HTTPHandler {
    let server: UIServer

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard server.acceptsHost(request.headers[.host]) else { return Self.plain(.forbidden, "forbidden: unknown Host\n") }
        let token = Query(request.query)["token"] ?? request.headers[HTTPHeader("X-Tcpwatch-Token")]
        guard server.tokenMatches(token) else { return Self.plain(.forbidden, "forbidden: this page needs the token tcpwatch printed\n") }
        guard request.method == .GET || request.method == .HEAD else { return Self.plain(.methodNotAllowed, "read-only\n") }
        let path = request.path
        if path == "/" || path == "/index.html" {
            let page = Assets.index.replacingOccurrences(of: "%TOKEN%", with: server.options.token)
                .replacingOccurrences(of: "%LIVE%", with: server.live ? "1" : "0")
            return response(.ok, type: "text/html; charset=utf-8", Data(page.utf8))
        }
        if path.hasPrefix("/assets/") {
            let name = String(path.dropFirst("/assets/".count))
            guard let asset = Assets.files[name] else { return Self.plain(.notFound, "not found\n") }
            return response(.ok, type: asset.type, Data(asset.body.utf8))
        }
        if path == "/api/live" { return try await liveSocket(request) }
        if path.hasPrefix("/api/") { return await api(request) }
        return Self.plain(.notFound, "not found\n")
    }

    /// Runs a blocking engine call on a thread of its own, off the server's tasks.
    private func offload(_ body: @escaping @Sendable () throws -> [UInt8]) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    private func api(_ request: HTTPRequest) async -> HTTPResponse {
        let engine = server.engine
        let q = Query(request.query)
        let name = String(request.path.dropFirst("/api/".count))
        func int(_ key: String) -> Int? { q[key].flatMap { Int($0) } }
        do {
            let body: [UInt8]
            switch name {
            case "status":
                body = Self.statusJSON(engine.status, filters: engine.filterProgress, live: server.live)
            case "frames":
                let filter = q["filter"], skip = int("skip") ?? 0, limit = int("limit") ?? 50
                body = try await offload { try engine.framesJSON(filter: filter, skip: skip, limit: limit) }
            case let frame where frame.hasPrefix("frame/"):
                guard let n = Int(frame.dropFirst("frame/".count)) else { return Self.json(.badRequest, Self.error("frame number expected")) }
                let json = try await offload { try engine.frameJSON(n) ?? [] }
                guard !json.isEmpty else {
                    return Self.json(.notFound, Self.error("no frame \(n)"))
                }
                body = json
            case "position":
                guard let frame = int("frame") else { return Self.json(.badRequest, Self.error("frame=N expected")) }
                let filter = q["filter"]
                body = try await offload { try engine.positionJSON(frame: frame, filter: filter) }
            case "check":
                body = CaptureEngine.checkJSON(q["filter"] ?? "")
            case "complete":
                body = CaptureEngine.completeJSON(prefix: q["prefix"] ?? "")
            case "follow":
                guard let stream = int("stream") else { return Self.json(.badRequest, Self.error("stream=N expected")) }
                body = try await offload { try engine.cached("follow \(stream)") { try engine.followJSON(stream: stream) } }
            case "conversations":
                body = try await offload { try engine.cached("conversations") { try engine.conversationsJSON() } }
            case "flow":
                let stream = int("stream")
                body = try await offload { try engine.cached("flow \(stream ?? -1)") { try engine.flowJSON(stream: stream) } }
            case "tcpgraph":
                guard let stream = int("stream") else { return Self.json(.badRequest, Self.error("stream=N expected")) }
                body = try await offload { try engine.cached("tcpgraph \(stream)") { try engine.tcpGraphJSON(stream: stream) } }
            case "http":
                body = try await offload { try engine.cached("http") { try engine.httpJSON() } }
            case "scan":
                body = try await offload { try engine.cached("scan") { try engine.scanJSON() } }
            case "explain":
                let stream = int("stream"), lang = q["lang"] == "nl" ? "nl" : "en"
                body = try await offload { try engine.cached("explain \(stream ?? -1) \(lang)") { try engine.explainJSON(stream: stream, language: lang) } }
            case "expert":
                body = try await offload { try engine.cached("expert") { try engine.expertJSON() } }
            case "iograph":
                let interval = q["interval"].flatMap(Double.init) ?? 1
                let filter = q["filter"]
                body = try await offload { try engine.ioGraphJSON(interval: interval, filter: filter) }
            case "save":
                let pcapng = q["format"] == "pcapng"
                let filter = q["filter"]
                let marked: Set<Int>? = q["frames"].map { Set($0.split(separator: ",").compactMap { Int($0) }) }
                let data = try await offload { try engine.save(filter: filter, frames: marked, pcapng: pcapng) }
                var headers = Self.securityHeaders
                headers[.contentType] = "application/octet-stream"
                headers[.contentDisposition] = "attachment; filename=\"tcpwatch-saved.\(pcapng ? "pcapng" : "pcap")\""
                return HTTPResponse(statusCode: .ok, headers: headers, body: Data(data))
            default:
                return Self.json(.notFound, Self.error("no such API: /api/\(name)"))
            }
            return Self.json(.ok, body)
        } catch {
            if let body = CaptureEngine.filterErrorJSON(error) { return Self.json(.badRequest, body) }
            return Self.json(.internalServerError, Self.error("\(error)"))
        }
    }

    static func error(_ message: String) -> [UInt8] {
        var j = JSONText()
        j.object { $0.field("error", message) }
        return j.bytes
    }

    static func statusJSON(_ s: CaptureEngine.Status, filters: [String: Double], live: Bool) -> [UInt8] {
        var j = JSONText()
        j.object { o in
            o.key("frames"); o.int(s.frames)
            o.field("complete", s.complete)
            o.field("live", live)
            o.key("bytes_read"); o.int(Int(s.bytesRead))
            o.field("file_size", s.fileSize.map { Int($0) })
            o.field("error", s.error)
            o.field("received", s.received.map { Int($0) })
            o.field("dropped", s.dropped.map { Int($0) })
            o.key("filters")
            o.object { f in for (k, v) in filters { f.key(k); f.double(v) } }
        }
        return j.bytes
    }

    // MARK: live socket

    private func liveSocket(_ request: HTTPRequest) async throws -> HTTPResponse {
        // Browsers always send Origin on a WebSocket: it must be this page's, under a Host
        // name this server answers to (127.0.0.1 or localhost on loopback).
        let origin = request.headers[HTTPHeader("Origin")] ?? ""
        guard origin.hasPrefix("http://"), server.acceptsHost(String(origin.dropFirst("http://".count))),
              origin.dropFirst("http://".count) == request.headers[.host] ?? "" else {
            return Self.plain(.forbidden, "forbidden: foreign origin\n")
        }
        let socket = WebSocketHTTPHandler(handler: MessageFrameWSHandler(handler: LivePush(engine: server.engine, live: server.live)))
        return try await socket.handleRequest(request)
    }

    // MARK: responses

    static var securityHeaders: HTTPHeaders {
        var h = HTTPHeaders()
        h[HTTPHeader("Content-Security-Policy")] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        h[HTTPHeader("X-Content-Type-Options")] = "nosniff"
        h[HTTPHeader("Referrer-Policy")] = "no-referrer"
        h[HTTPHeader("X-Frame-Options")] = "DENY"
        h[HTTPHeader("Cross-Origin-Resource-Policy")] = "same-origin"
        h[.cacheControl] = "no-store"
        return h
    }

    func response(_ status: HTTPStatusCode, type: String, _ body: Data) -> HTTPResponse {
        var headers = Self.securityHeaders
        headers[.contentType] = type
        return HTTPResponse(statusCode: status, headers: headers, body: body)
    }

    static func plain(_ status: HTTPStatusCode, _ text: String) -> HTTPResponse {
        var headers = securityHeaders
        headers[.contentType] = "text/plain; charset=utf-8"
        return HTTPResponse(statusCode: status, headers: headers, body: Data(text.utf8))
    }

    static func json(_ status: HTTPStatusCode, _ body: [UInt8]) -> HTTPResponse {
        var headers = securityHeaders
        headers[.contentType] = "application/json"
        return HTTPResponse(statusCode: status, headers: headers, body: Data(body))
    }
}

/// The query's values as the page's URLSearchParams wrote them: FlyingFox hands them over
/// still form-encoded (`+` for a space, `%XX` for other bytes).
struct Query {
    let items: [HTTPRequest.QueryItem]
    init(_ items: [HTTPRequest.QueryItem]) { self.items = items }
    subscript(_ name: String) -> String? {
        guard let raw = items.first(where: { $0.name == name })?.value else { return nil }
        let spaced = raw.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

/// Pushes what changed to the page about every 200 ms: the number of frames, the live
/// counters and the rows of the new frames (at most 1000 per message; the page asks for
/// the rest with /api/frames).
struct LivePush: WSMessageHandler {
    let engine: CaptureEngine
    let live: Bool

    func makeMessages(for client: AsyncStream<WSMessage>) async throws -> AsyncStream<WSMessage> {
        let engine = self.engine, live = self.live
        return AsyncStream { continuation in
            let task = Task {
                var sent = 0
                var last = ""
                while !Task.isCancelled {
                    let s = engine.status
                    let key = "\(s.frames) \(s.complete) \(s.received ?? 0) \(s.dropped ?? 0)"
                    if key != last {
                        last = key
                        var j = JSONText()
                        let upTo = min(s.frames, sent + 1000)
                        let rows = sent < upTo ? engine.rows((sent + 1)...upTo) : []
                        j.object { o in
                            o.key("total"); o.int(s.frames)
                            o.field("complete", s.complete)
                            o.field("live", live)
                            o.key("bytes_read"); o.int(Int(s.bytesRead))
                            o.field("file_size", s.fileSize.map { Int($0) })
                            o.field("received", s.received.map { Int($0) })
                            o.field("dropped", s.dropped.map { Int($0) })
                            o.key("first"); o.int(sent + 1)
                            o.key("frames"); o.array { a in for r in rows { a.raw(r) } }
                        }
                        sent = upTo
                        continuation.yield(.text(j.text))
                        if s.frames > upTo { last = "" }
                    }
                    try? await Task.sleep(nanoseconds: 200_000_000)
                }
                continuation.finish()
            }
            let reader = Task {
                for await message in client {
                    if case .close = message { break }
                }
                task.cancel()
            }
            continuation.onTermination = { _ in
                task.cancel()
                reader.cancel()
            }
        }
    }
}
