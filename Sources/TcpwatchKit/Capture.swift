@_exported import Dissect
@_exported import Follow
import Views

/// A capture file read once, with its conversations followed and their bytes reassembled,
/// ready for assertions in tests.
///
/// ```swift
/// let capture = try Capture(contentsOf: "Fixtures/pcaps/echo.pcap")
/// let echo = try #require(capture.tcpConversations.first { $0.server.port == 6789 })
/// #expect(echo.state == .SF)
/// #expect(echo.handshake.isComplete)
/// #expect(echo.clientBytes == Array("Hello server".utf8))
/// #expect(try capture.frames(matching: "tcp.flags.reset == 1").isEmpty)
/// ```
///
/// Reassembled bytes are kept up to ``maxStreamBytes`` per direction, so a test can open
/// a large capture without holding all of it.
public final class Capture {
    /// The file the capture was read from.
    public let path: String
    /// Every TCP conversation, in `tcp.stream` order.
    public let tcpConversations: [TCPSession]
    /// Every UDP conversation, in `udp.stream` order.
    public let udpConversations: [UDPSession]
    /// How many frames the file holds.
    public let frameCount: Int
    /// Bytes kept per direction of each TCP stream.
    public static let maxStreamBytes = 1 << 20

    /// Reads and follows the whole file.
    /// - Throws: ``CaptureError`` when the file cannot be read or is damaged.
    public init(contentsOf path: String) throws(CaptureError) {
        self.path = path
        var options = FollowerOptions()
        options.reassembleAll = true
        options.keepHTTPTransactions = true
        let follower = Follower(options: options)
        var sessions: [Int: SessionBuilder] = [:]
        var udp: [UDPSession] = []
        follower.streamData = { stream, _, fromClient, chunk in
            guard case .data(_, let bytes) = chunk else { return }
            sessions[stream, default: SessionBuilder()].append(bytes, fromClient: fromClient)
        }
        follower.conversationEnded = { conversation in
            switch conversation {
            case .tcp(let c): sessions[c.stream, default: SessionBuilder()].conversation = c
            case .udp(let c): udp.append(UDPSession(c))
            }
        }
        let reader: CaptureFileReader
        do {
            reader = try CaptureFileReader(path: path)
        } catch {
            throw .unreadable(path: path, reason: error.description)
        }
        var loop = PacketLoop(follower: follower)
        var count = 0
        do {
            while let raw = try reader.next() {
                count += 1
                loop.process(raw) { input in
                    guard let stream = input.analysis.tcpStream, let tcp = input.frame.tcp else { return }
                    sessions[stream, default: SessionBuilder()].observe(tcp, analysis: input.analysis, frame: input.frame.number)
                }
            }
        } catch {
            throw .damaged(path: path, reason: error.description)
        }
        follower.finish()
        frameCount = count
        tcpConversations = sessions.keys.sorted().compactMap { sessions[$0]?.build() }
        udpConversations = udp.sorted { $0.stream < $1.stream }
    }

    /// The frame numbers that match a Wireshark display filter, such as
    /// `"tcp.flags.reset == 1 && tcp.srcport == 25"`.
    /// - Throws: ``CaptureError/invalidFilter(_:)`` when the filter does not compile.
    public func frames(matching filter: String) throws(CaptureError) -> [Int] {
        try values(matching: filter, fields: []).map(\.frame)
    }

    /// The frames matching `filter`, each with the values of `fields` (by Wireshark name),
    /// as `tshark -Y FILTER -T fields -e ...` would print them.
    public func values(matching filter: String, fields: [String]) throws(CaptureError) -> [FrameValues] {
        let compiled: DisplayFilter
        do {
            compiled = try DisplayFilter(filter)
        } catch {
            throw .invalidFilter(error.description)
        }
        var definitions: [FieldDefinition] = []
        for name in fields {
            guard let field = FieldRegistry.field(named: name) else {
                throw .invalidFilter("unknown field '\(name)'")
            }
            definitions.append(field)
        }
        var result: [FrameValues] = []
        do {
            let reader = try CaptureFileReader(path: path)
            var loop = PacketLoop()
            let scratch = OutputBuffer(fileDescriptor: nil)
            while let raw = try reader.next() {
                loop.process(raw) { input in
                    guard compiled.matches(input) else { return }
                    var values: [String: [String]] = [:]
                    for field in definitions {
                        scratch.truncateAll()
                        var occurrences = Occurrences.collecting(into: scratch)
                        field.write(input, &occurrences)
                        values[field.name] = scratch.text.split(separator: "\u{0}", omittingEmptySubsequences: false)
                            .map(String.init).filter { _ in occurrences.count > 0 }
                    }
                    result.append(FrameValues(frame: input.frame.number, values: values))
                }
            }
        } catch {
            throw .damaged(path: path, reason: "\(error)")
        }
        return result
    }

    /// The TCP conversation whose server listens on `port` (and on `host`, when given).
    public func tcpConversation(toPort port: UInt16, host: String? = nil) -> TCPSession? {
        tcpConversations.first { $0.server.port == port && (host == nil || $0.server.address.description == host) }
    }
}

/// One frame's field values, by field name; a field that is absent has no entry values.
public struct FrameValues: Sendable {
    public let frame: Int
    public let values: [String: [String]]

    public subscript(field: String) -> [String] { values[field] ?? [] }
}

/// Why a ``Capture`` could not be made or queried.
public enum CaptureError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case damaged(path: String, reason: String)
    case invalidFilter(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): \(reason)"
        case .damaged(let path, let reason): "\(path): damaged: \(reason)"
        case .invalidFilter(let message): message
        }
    }
}
