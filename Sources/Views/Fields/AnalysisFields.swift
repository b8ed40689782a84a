import Dissect
import Follow

/// Fields the follower computes: TCP analysis, completeness, and HTTP messages.
enum AnalysisFields {
    static func flag(_ name: String, _ summary: String, _ flag: TCPAnalysisFlags) -> FieldDefinition {
        field(name, summary, .boolean) { i, o in
            guard i.frame.tcp != nil, i.analysis.tcp.flags.contains(flag) else { return }
            o.next()
            o.out.byte(49)
        }
    }

    /// The message whose fields this frame shows: the one the follower saw it complete,
    /// or, when the stream was not followed, the head the frame itself starts with.
    static func httpMessage(_ i: FieldInput) -> HTTPMessage? {
        if let message = i.analysis.http { return message }
        guard i.analysis.application == .asDecoded, let head = i.frame.http else { return nil }
        let bytes = i.frame.bytes
        return HTTPMessage(
            isResponse: head.kind == .response, firstLine: Array(bytes.slice(head.firstLine)),
            method: head.kind == .request ? String(decoding: bytes.slice(head.part1), as: UTF8.self) : nil,
            uri: head.kind == .request ? String(decoding: bytes.slice(head.part2), as: UTF8.self) : nil,
            statusCode: head.statusCode, host: nil, contentType: nil, contentLength: head.contentLength,
            isChunked: head.isChunked, firstFrame: i.frame.number, lastFrame: i.frame.number)
    }

    static let all: [FieldDefinition] = [
        field("tcp.analysis.retransmission", "Retransmission", .boolean) { i, o in
            guard i.frame.tcp != nil, i.analysis.tcp.flags.showsRetransmissionField else { return }
            o.next()
            o.out.byte(49)
        },
        flag("tcp.analysis.fast_retransmission", "Fast retransmission", .fastRetransmission),
        flag("tcp.analysis.spurious_retransmission", "Spurious retransmission", .spuriousRetransmission),
        flag("tcp.analysis.out_of_order", "Out-of-order segment", .outOfOrder),
        field("tcp.analysis.duplicate_ack", "Duplicate ACK", .boolean) { i, o in
            guard i.frame.tcp != nil, i.analysis.tcp.flags.contains(.duplicateAck) else { return }
            // tshark 4.0 adds this item twice: once in the analysis tree, once as expert info.
            o.next()
            o.out.byte(49)
            o.next()
            o.out.byte(49)
        },
        flag("tcp.analysis.lost_segment", "Previous segment not captured", .lostSegment),
        flag("tcp.analysis.ack_lost_segment", "ACKed segment that was not captured", .ackLostSegment),
        flag("tcp.analysis.keep_alive", "Keep-alive", .keepAlive),
        flag("tcp.analysis.keep_alive_ack", "Keep-alive ACK", .keepAliveAck),
        flag("tcp.analysis.zero_window", "Zero window", .zeroWindow),
        flag("tcp.analysis.zero_window_probe", "Zero window probe", .zeroWindowProbe),
        flag("tcp.analysis.zero_window_probe_ack", "Zero window probe ACK", .zeroWindowProbeAck),
        flag("tcp.analysis.window_update", "Window update", .windowUpdate),
        flag("tcp.analysis.window_full", "Window full", .windowFull),
        flag("tcp.analysis.reused_ports", "Port numbers reused", .reusedPorts),
        field("tcp.analysis.duplicate_ack_num", "Duplicate ACK number") { i, o in
            o.decimal(i.analysis.tcp.duplicateAckNumber)
        },
        field("tcp.analysis.duplicate_ack_frame", "Duplicate of the ACK in frame") { i, o in
            o.decimal(i.analysis.tcp.duplicateAckOf)
        },
        field("tcp.analysis.acks_frame", "This is an ACK to the segment in frame") { i, o in
            o.decimal(i.analysis.tcp.ackedFrame)
        },
        field("tcp.analysis.ack_rtt", "Round-trip time to ACK the segment", .time) { i, o in
            guard let rtt = i.analysis.tcp.ackRTT else { return }
            o.next()
            o.out.seconds(nanoseconds: rtt)
        },
        field("tcp.completeness", "Conversation completeness (SYN 1, SYN-ACK 2, ACK 4, DATA 8, FIN 16, RST 32)") { i, o in
            o.decimal(i.analysis.completeness)
        },
        field("http.request", "An HTTP request", .boolean) { i, o in
            guard let message = httpMessage(i), !message.isResponse else { return }
            o.boolean(true)
        },
        field("http.response", "An HTTP response", .boolean) { i, o in
            guard let message = httpMessage(i), message.isResponse else { return }
            o.boolean(true)
        },
        field("http.request.method", "HTTP request method", .string) { i, o in
            guard let method = httpMessage(i)?.method else { return }
            o.next()
            o.out.escaped(method)
        },
        field("http.request.uri", "HTTP request URI", .string) { i, o in
            guard let uri = httpMessage(i)?.uri else { return }
            o.next()
            o.out.escaped(uri)
        },
        field("http.response.code", "HTTP status code") { i, o in o.decimal(httpMessage(i)?.statusCode) },
        field("http.host", "HTTP Host header", .string) { i, o in
            guard let host = httpMessage(i)?.host else { return }
            o.next()
            o.out.escaped(host)
        },
        field("http.content_length", "HTTP Content-Length") { i, o in o.decimal(httpMessage(i)?.contentLength) },
    ]
}
