// Target 3: the follower, the stream reassembler and the Zeek connection state, fed a
// sequence of segments built from the input.
//
// The input is a list of chunks. Each chunk becomes one frame (LINKTYPE_RAW) with a
// synthesized IPv4 or IPv6 header and a TCP (or UDP) header whose fields come from the
// chunk:
//
//   0      TCP flags, low byte (FIN SYN RST PSH ACK URG ECE CWR)
//   1      control: bit 0 server-to-client; bits 1-2 flow (one of four); bit 3 the segment
//          is longer on the wire than captured (snaplen cut); bit 4 IPv6; bit 5 UDP;
//          bit 6 the AE (NS) flag; bit 7 the IP header claims fewer bytes than captured
//   2..5   sequence number      6..9   acknowledgment number      10..11  window
//   12     TCP option words (low nibble, at most 10), taken from the chunk after the header
//   13..14 payload length (clamped to what is left of the input)
//   15     extra wire length in 16-byte units (with control bit 3)
//
// Every frame is decoded, followed (stream numbers, relative sequence numbers) and
// rendered (a summary line and every field); every TCP segment also goes to the reassembler of its stream
// and direction (its ACK to the other direction's) and to the stream's ConnectionState.
// At the end every reassembler is finished. The caps on buffered bytes are checked.
#if canImport(Glibc)
import Glibc
#endif
import Dissect
import Follow
import Views

private let chunkHeaderLength = 16
private let budgetLimit = 256 << 10
private let maxBuffered = 64 << 10
private let maxHistory = 4 << 10
private let serverPorts: [UInt16] = [80, 443, 22, 50_001]

/// Builds the frame bytes for one chunk; returns the bytes and the rest of the input.
func makeSegmentFrame(_ input: inout UnsafeRawBufferPointer.SubSequence) -> [UInt8]? {
    guard input.count >= chunkHeaderLength else { return nil }
    let h = Array(input.prefix(chunkHeaderLength))
    input = input.dropFirst(chunkHeaderLength)
    let control = h[1]
    let reverse = control & 1 != 0
    let flow = Int(control >> 1) & 3
    let cut = control & 8 != 0
    let ipv6 = control & 16 != 0
    let udp = control & 32 != 0
    let shortIP = control & 128 != 0
    let optionBytes = udp ? 0 : min(Int(h[12] & 0x0F), 10) * 4
    var options = Array(input.prefix(optionBytes))
    input = input.dropFirst(options.count)
    options += repeatElement(0, count: optionBytes - options.count)
    let payloadLength = min(Int(h[13]) << 8 | Int(h[14]), input.count)
    let payload = Array(input.prefix(payloadLength))
    input = input.dropFirst(payloadLength)
    let extra = cut ? Int(h[15]) * 16 + 1 : 0

    var clientPort = UInt16(40_000 + flow), serverPort = serverPorts[flow]
    if reverse { swap(&clientPort, &serverPort) }
    var transport: [UInt8] = []
    func u16(_ v: UInt16) { transport += [UInt8(v >> 8), UInt8(v & 0xFF)] }
    u16(clientPort); u16(serverPort)
    if udp {
        u16(UInt16(clamping: 8 + payload.count + extra)); u16(0)
    } else {
        transport += h[2..<10]  // seq, ack
        let words = UInt8(5 + optionBytes / 4)
        transport += [words << 4 | (control & 64 != 0 ? 1 : 0), h[0], h[10], h[11], 0, 0, 0, 0]
        transport += options
    }
    let ipPayload = transport.count + payload.count + extra
    var frame: [UInt8] = []
    let proto: UInt8 = udp ? 17 : 6
    let a: UInt8 = reverse ? 2 : 1, b: UInt8 = reverse ? 1 : 2
    if ipv6 {
        let length = shortIP ? transport.count / 2 : min(ipPayload, 65535)
        frame += [0x60, 0, 0, 0, UInt8(length >> 8), UInt8(length & 0xFF), proto, 64]
        frame += [0xFD, 0x77] + repeatElement(0, count: 12) + [UInt8(flow), a]
        frame += [0xFD, 0x77] + repeatElement(0, count: 12) + [UInt8(flow), b]
    } else {
        let length = shortIP ? 20 + transport.count / 2 : min(20 + ipPayload, 65535)
        frame += [0x45, 0, UInt8(length >> 8), UInt8(length & 0xFF), 0, 0, 0x40, 0, 64, proto, 0, 0]
        frame += [10, 77, UInt8(flow), a, 10, 77, UInt8(flow), b]
    }
    return frame + transport + payload
}

private struct Direction: Hashable {
    var stream: Int
    var fromClient: Bool
}

/// Receives reassembled chunks and checks them.
private final class Sink {
    var delivered = 0
    func take(_ chunk: StreamChunk) {
        switch chunk {
        case .data(_, let bytes):
            precondition(!bytes.isEmpty, "empty data chunk")
            _ = touch(bytes)
            delivered += bytes.count
        case .gap(let n):
            precondition(n > 0, "empty gap")
        case .limitReached(let bytes, let segments):
            precondition(bytes > 0 && segments > 0, "an empty reassembly-limit notice")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFollow(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = UnsafeRawBufferPointer(start: data, count: size)[...]
    let follower = Follower()
    let budget = ReassemblyBudget(limit: budgetLimit)
    let sink = Sink()
    var reassemblers: [Direction: StreamReassembler] = [:]
    var states: [Int: ConnectionState] = [:]
    var udpStates: [Int: ConnectionState] = [:]
    var views = ViewSet(light: true)
    var number = 0

    while let bytes = makeSegmentFrame(&input) {
        number += 1
        bytes.withUnsafeBytes { buffer in
            let raw = RawFrame(bytes: ByteView(buffer), timestamp: Timestamp(seconds: Int64(number), nanoseconds: 0),
                               originalLength: buffer.count, linkType: .raw)
            let frame = FrameDecoder.decode(raw, number: number)
            let analysis = follower.process(frame)
            views.render(frame, analysis)

            if let tcp = frame.tcp, let stream = analysis.tcpStream {
                let here = Direction(stream: stream, fromClient: analysis.fromClient)
                let there = Direction(stream: stream, fromClient: !analysis.fromClient)
                for d in [here, there] where reassemblers[d] == nil {
                    reassemblers[d] = StreamReassembler(budget: budget, maxBufferedBytes: maxBuffered,
                                                        maxHistoryBytes: maxHistory, sink: sink.take)
                }
                reassemblers[here]!.add(seq: tcp.sequenceNumber, flags: tcp.flags,
                                        payload: frame.bytes.slice(tcp.payload),
                                        segmentLength: tcp.segmentLength, frame: number)
                if tcp.flags.contains(.ack) { reassemblers[there]!.acknowledged(upTo: tcp.acknowledgmentNumber) }
                for d in [here, there] {
                    let r = reassemblers[d]!
                    precondition(r.chargedBytes <= maxBuffered, "per-direction cap exceeded")
                    precondition(r.counters.bufferedSegments <= r.maxBufferedSegments, "segment cap exceeded")
                }
                precondition(budget.usedBytes <= budget.limit, "shared budget exceeded")

                let (clientPort, serverPort) = analysis.fromClient ? (tcp.sourcePort, tcp.destinationPort)
                    : (tcp.destinationPort, tcp.sourcePort)
                var state = states[stream] ?? ConnectionState(transport: .tcp, originatorPort: clientPort,
                                                              responderPort: serverPort)
                state.observeTCP(isOriginator: analysis.fromClient != state.flipped, flags: tcp.flags,
                                 seq: tcp.sequenceNumber, ack: tcp.acknowledgmentNumber,
                                 payloadLength: tcp.segmentLength, window: tcp.window,
                                 payloadCaptured: tcp.payload.count >= tcp.segmentLength)
                states[stream] = state
            } else if let udp = frame.udp, let stream = analysis.udpStream {
                let (clientPort, serverPort) = analysis.fromClient ? (udp.sourcePort, udp.destinationPort)
                    : (udp.destinationPort, udp.sourcePort)
                var state = udpStates[stream] ?? ConnectionState(transport: .udp, originatorPort: clientPort,
                                                                 responderPort: serverPort)
                state.observeUDP(isOriginator: analysis.fromClient != state.flipped, payloadLength: udp.payload.count)
                udpStates[stream] = state
            }
        }
    }
    for key in reassemblers.keys {
        reassemblers[key]!.finish()
        precondition(reassemblers[key]!.counters.bufferedBytes == 0)
    }
    for state in Array(states.values) + Array(udpStates.values) {
        _ = (state.state, state.history, state.originatorBytes, state.responderBytes,
             state.originatorState, state.responderState, state.missedBytes)
    }
    if fuzzVerbose {
        print("\(number) frames, \(reassemblers.count) directions, \(sink.delivered) bytes delivered")
        for (stream, state) in states.sorted(by: { $0.key < $1.key }) {
            print("tcp \(stream): \(state.state) \(state.history)")
        }
    }
    return 0
}
