import Engine
import FlyingFox
import FlyingSocks
import Foundation

/// `tcpwatch ui`: serves the page and the engine's read-only JSON API on a local port.
///
/// Every request must carry the per-run token (`?token=` or the `X-Tcpwatch-Token` header),
/// name this server in its Host header (against DNS rebinding) and use GET. The live
/// socket must also come from this server's own origin. Responses carry a strict
/// Content-Security-Policy and no CORS headers; nothing in a request names a file.
public final class UIServer: Sendable {
    public struct Options: Sendable {
        /// The address to listen on; only loopback unless the user asks otherwise.
        public var listen = "127.0.0.1"
        /// 0 picks a free port.
        public var port: UInt16 = 0
        public var token = UIServer.makeToken()
        public init() {}
    }

    let engine: CaptureEngine
    let options: Options
    let live: Bool
    /// The host:port the server answers to, set once it listens.
    private let boundPort = Locked<UInt16>(0)
    private let serverBox = Locked<HTTPServer?>(nil)

    public init(engine: CaptureEngine, live: Bool, options: Options) {
        self.engine = engine
        self.live = live
        self.options = options
    }

    /// 32 random bytes as hex, from the system's generator.
    public static func makeToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }

    /// True when `listen` is a loopback address.
    public var isLoopbackOnly: Bool { options.listen == "127.0.0.1" || options.listen == "::1" || options.listen.hasPrefix("127.") }

    /// Runs until cancelled; `ready` gets the page's URL once the server listens.
    public func run(ready: @escaping @Sendable (String) -> Void) async throws {
        let address: any SocketAddress = options.listen.contains(":")
            ? try sockaddr_in6.inet6(ip6: options.listen, port: options.port)
            : try sockaddr_in.inet(ip4: options.listen, port: options.port)
        let server = HTTPServer(address: address, timeout: 30, logger: Quiet(), handler: Handler(server: self))
        serverBox.withLock { $0 = server }
        let task = Task { try await server.run() }
        try await server.waitUntilListening()
        if let bound = await server.listeningAddress {
            switch bound {
            case .ip4(_, let port), .ip6(_, let port): boundPort.withLock { $0 = port }
            case .unix: break
            }
        }
        ready(url)
        try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    public var port: UInt16 { boundPort.withLock { $0 } }

    var hostPort: String {
        // A wildcard address is not one a browser can open: name loopback instead.
        let listen = options.listen == "0.0.0.0" ? "127.0.0.1" : options.listen == "::" ? "::1" : options.listen
        let host = listen.contains(":") ? "[\(listen)]" : listen
        return "\(host):\(port)"
    }

    /// The page's address with the token.
    public var url: String { "http://\(hostPort)/?token=\(options.token)" }

    /// Host names this server answers to: the address it listens on (and `localhost` for
    /// loopback); for a wildcard address, any IP literal. Never another name, so a page
    /// of another site that rebinds its name to this address gets 403.
    func acceptsHost(_ value: String?) -> Bool {
        guard let value else { return false }
        let port = self.port
        let (host, hostPort) = Self.split(value)
        guard hostPort == port else { return false }
        if host == options.listen { return true }
        if isLoopbackOnly && (host == "localhost" || host == "127.0.0.1") { return true }
        if options.listen == "0.0.0.0" || options.listen == "::" {
            if host == "localhost" { return true }
            var v4 = in_addr(), v6 = in6_addr()
            return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
        }
        return false
    }

    static func split(_ hostHeader: String) -> (String, UInt16?) {
        if hostHeader.hasPrefix("["), let close = hostHeader.firstIndex(of: "]") {
            let host = String(hostHeader[hostHeader.index(after: hostHeader.startIndex)..<close])
            let rest = hostHeader[hostHeader.index(after: close)...]
            return (host, rest.hasPrefix(":") ? UInt16(rest.dropFirst()) : 80)
        }
        let parts = hostHeader.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return (hostHeader, nil) }
        return (String(parts[0]), parts.count == 2 ? UInt16(parts[1]) : 80)
    }

    /// Token comparison in constant time.
    func tokenMatches(_ given: String?) -> Bool {
        guard let given else { return false }
        let a = Array(given.utf8), b = Array(options.token.utf8)
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }

    public func stop() async {
        if let server = serverBox.withLock({ $0 }) { await server.stop(timeout: 1) }
    }
}

/// Says nothing: a request line can hold anything, and the terminal shows only the URL.
struct Quiet: Logging {
    func logDebug(_ debug: @autoclosure () -> String) {}
    func logInfo(_ info: @autoclosure () -> String) {}
    func logWarning(_ warning: @autoclosure () -> String) {}
    func logError(_ error: @autoclosure () -> String) {}
    func logCritical(_ critical: @autoclosure () -> String) {}
}

/// A value behind a lock, for the few fields set after start.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
