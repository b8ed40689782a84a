import Dissect
import Follow

/// One assertion over a capture, as `tcpwatch expect` takes them on its command line or
/// from a checks file, one per line.
public enum Expectation: Sendable, CustomStringConvertible {
    /// Frames matching a display filter: exactly `count`, at least `atLeast`, or (with
    /// neither) at least one.
    case packets(filter: String, count: Int?, atLeast: Int?)
    /// A TCP conversation matching `where` (conn.log field conditions such as
    /// `id.resp_p==6789`) that reached `state` and whose sides sent the given text.
    case conversation(where: String, state: ConnState?, clientSends: String?, serverSends: String?)
    /// A complete SYN, SYN-ACK, ACK from any client to `host`:`port`.
    case handshake(host: String, port: UInt16)
    /// A probed port's state in nmap's words: open, closed, filtered.
    case port(host: String, port: UInt16, state: String)

    public var description: String {
        switch self {
        case .packets(let filter, let count, let atLeast):
            if let count { return "\(count) packet(s) match '\(filter)'" }
            return "at least \(atLeast ?? 1) packet(s) match '\(filter)'"
        case .conversation(let condition, let state, let client, let server):
            var text = "a conversation where \(condition)"
            if let state { text += " reaches \(state.rawValue)" }
            if let client { text += ", the client sends '\(client)'" }
            if let server { text += ", the server sends '\(server)'" }
            return text
        case .handshake(let host, let port): return "a complete handshake to \(host):\(port)"
        case .port(let host, let port, let state): return "port \(host):\(port) is \(state)"
        }
    }
}

/// The outcome of one expectation: whether it held, and what was found.
public struct ExpectationResult: Sendable {
    public let expectation: Expectation
    public let passed: Bool
    /// What was found, naming the nearest candidates by frame number.
    public let found: String
}

extension Capture {
    /// Checks one expectation.
    public func check(_ expectation: Expectation) -> ExpectationResult {
        switch expectation {
        case .packets(let filter, let count, let atLeast):
            let frames: [Int]
            do { frames = try self.frames(matching: filter) } catch {
                return ExpectationResult(expectation: expectation, passed: false, found: "invalid filter: \(error)")
            }
            let passed = count.map { frames.count == $0 } ?? (frames.count >= (atLeast ?? 1))
            let list = frames.prefix(10).map(String.init).joined(separator: ", ")
            return ExpectationResult(expectation: expectation, passed: passed,
                                     found: "found \(frames.count)" + (frames.isEmpty ? "" : " (frames \(list)\(frames.count > 10 ? ", …" : ""))"))
        case .conversation(let condition, let state, let clientSends, let serverSends):
            let predicate: ConversationPredicate
            do { predicate = try ConversationPredicate(condition) } catch {
                return ExpectationResult(expectation: expectation, passed: false, found: "\(error)")
            }
            let candidates = tcpConversations.filter(predicate.matches)
            let good = candidates.filter { c in
                (state == nil || c.state == state)
                    && (clientSends.map { c.clientBytes.contains(Array(Self.unescape($0).utf8)) } ?? true)
                    && (serverSends.map { c.serverBytes.contains(Array(Self.unescape($0).utf8)) } ?? true)
            }
            if let match = good.first {
                return ExpectationResult(expectation: expectation, passed: true, found: "stream \(match.stream), \(match.client) → \(match.server), \(match.state.rawValue)")
            }
            let what = state.map { "reached \($0.rawValue)" } ?? "matched"
            let found = candidates.isEmpty
                ? "no conversation where \(condition); the capture has \(tcpConversations.count) TCP conversation(s)"
                : "no conversation where \(condition) \(what) with the expected data; found \(candidates.count): "
                    + candidates.prefix(3).map { c in
                        // What each side did send, so that a near miss shows itself.
                        var text = Self.summary(c)
                        if clientSends != nil { text += ", the client sent '\(Self.escape(c.clientBytes))'" }
                        if serverSends != nil { text += ", the server sent '\(Self.escape(c.serverBytes))'" }
                        return text
                    }.joined(separator: "; ")
            return ExpectationResult(expectation: expectation, passed: false, found: found)
        case .handshake(let host, let port):
            let candidates = tcpConversations.filter { $0.server.port == port && $0.server.address.description == host }
            if let c = candidates.first(where: { $0.handshake.isComplete }) {
                return ExpectationResult(expectation: expectation, passed: true,
                                         found: "stream \(c.stream): SYN frame \(c.handshake.syn!), SYN-ACK frame \(c.handshake.synAck!), ACK frame \(c.handshake.ack!)")
            }
            let found = candidates.isEmpty ? "no conversation to \(host):\(port)"
                : "no complete handshake; found \(candidates.count): " + candidates.prefix(3).map(Self.summary).joined(separator: "; ")
            return ExpectationResult(expectation: expectation, passed: false, found: found)
        case .port(let host, let port, let wanted):
            let (state, evidence) = portState(host: host, port: port)
            return ExpectationResult(expectation: expectation, passed: state == wanted, found: "\(state) (\(evidence))")
        }
    }

    /// A conversation in one phrase, for failure reports.
    static func summary(_ c: TCPSession) -> String {
        var text = "stream \(c.stream), state \(c.state.rawValue)"
        if let reset = c.reset { text += " (RST from \(reset.byClient ? "client" : "server"), frame \(reset.frame))" }
        return text
    }

    /// A port's state from the conversations to it: open after a SYN-ACK, closed after a
    /// RST, filtered when nothing or an ICMP error answered.
    func portState(host: String, port: UInt16) -> (String, String) {
        let candidates = tcpConversations.filter { $0.server.port == port && $0.server.address.description == host }
        guard !candidates.isEmpty else { return ("unknown", "no probe to \(host):\(port) in the capture") }
        if let open = candidates.first(where: { $0.handshake.synAck != nil }) {
            return ("open", "SYN-ACK in frame \(open.handshake.synAck!)")
        }
        if let closed = candidates.first(where: { $0.reset?.byClient == false }) {
            return ("closed", "RST from the port in frame \(closed.reset!.frame)")
        }
        let probes = candidates.reduce(0) { $0 + $1.packets }
        return ("filtered", "\(probes) probe(s), no TCP answer")
    }

    /// Bytes in the notation ``unescape(_:)`` reads, so that a report can be pasted back
    /// as an expectation: printable ASCII as is, `\n` `\r` `\t` `\\`, others `\xHH`;
    /// cut after `limit` bytes with "…".
    static func escape(_ bytes: [UInt8], limit: Int = 80) -> String {
        var out = ""
        for b in bytes.prefix(limit) {
            switch b {
            case 0x0a: out += "\\n"
            case 0x0d: out += "\\r"
            case 0x09: out += "\\t"
            case 0x5c: out += "\\\\"
            case 0x20..<0x7f: out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = String(b, radix: 16)
                out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        if bytes.count > limit { out += "…" }
        return out
    }

    /// `\n`, `\r`, `\t`, `\\` and `\xHH` in expected text.
    static func unescape(_ text: String) -> String {
        var out = "", chars = Array(text), i = 0
        while i < chars.count {
            if chars[i] == "\\", i + 1 < chars.count {
                switch chars[i + 1] {
                case "n": out.append("\n"); i += 2; continue
                case "r": out.append("\r"); i += 2; continue
                case "t": out.append("\t"); i += 2; continue
                case "\\": out.append("\\"); i += 2; continue
                case "x" where i + 3 < chars.count:
                    if let v = UInt8(String(chars[(i + 2)...(i + 3)]), radix: 16) {
                        out.unicodeScalars.append(Unicode.Scalar(v))
                        i += 4
                        continue
                    }
                default: break
                }
            }
            out.append(chars[i])
            i += 1
        }
        return out
    }
}

extension Array where Element == UInt8 {
    /// True when `needle` occurs as a contiguous run (an empty needle always does).
    func contains(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= count else { return false }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if self[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
