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
/// Every field is rendered for the first frames of an input, then for every 16th frame:
/// rendering them is most of the cost of a frame, and an input of a thousand segments
/// gains little from its later frames' fields beyond the analysis they already went
/// through (the summary line, with the analysis in its Info column, is still on every frame).
private let fieldsOnEveryFrame = 64
private let fieldsEvery = 16

/// Builds the frame bytes for one chunk into `frame` (emptied first); returns false when
/// no chunk header is left. Moves `input` past the chunk.
func makeSegmentFrame(_ input: inout UnsafeRawBufferPointer.SubSequence, into frame: inout [UInt8]) -> Bool {
    guard input.count >= chunkHeaderLength else { return false }
    let h = input.startIndex
    @inline(__always) func header(_ i: Int) -> UInt8 { input[h + i] }
    let control = header(1)
    let reverse = control & 1 != 0
    let flow = Int(control >> 1) & 3
    let cut = control & 8 != 0
    let ipv6 = control & 16 != 0
    let udp = control & 32 != 0
    let shortIP = control & 128 != 0
    let optionBytes = udp ? 0 : min(Int(header(12) & 0x0F), 10) * 4
    let optionStart = h + chunkHeaderLength
    let optionsPresent = min(optionBytes, input.endIndex - optionStart)
    let payloadStart = optionStart + optionsPresent
    let payloadLength = min(Int(header(13)) << 8 | Int(header(14)), input.endIndex - payloadStart)
    let extra = cut ? Int(header(15)) * 16 + 1 : 0
    let transportLength = udp ? 8 : 20 + optionBytes
    let ipPayload = transportLength + payloadLength + extra

    frame.removeAll(keepingCapacity: true)
    func u16(_ v: UInt16) { frame.append(UInt8(v >> 8)); frame.append(UInt8(v & 0xFF)) }
    let proto: UInt8 = udp ? 17 : 6
    let a: UInt8 = reverse ? 2 : 1, b: UInt8 = reverse ? 1 : 2
    if ipv6 {
        let length = shortIP ? transportLength / 2 : min(ipPayload, 65535)
        frame.append(contentsOf: [0x60, 0, 0, 0] as [UInt8])
        u16(UInt16(length))
        frame.append(proto); frame.append(64)
        for last in [a, b] {
            frame.append(0xFD); frame.append(0x77)
            for _ in 0..<12 { frame.append(0) }
            frame.append(UInt8(flow)); frame.append(last)
        }
    } else {
        let length = shortIP ? 20 + transportLength / 2 : min(20 + ipPayload, 65535)
        frame.append(0x45); frame.append(0)
        u16(UInt16(length))
        frame.append(contentsOf: [0, 0, 0x40, 0, 64, proto, 0, 0, 10, 77, UInt8(flow), a, 10, 77, UInt8(flow), b] as [UInt8])
    }
    var clientPort = UInt16(40_000 + flow), serverPort = serverPorts[flow]
    if reverse { swap(&clientPort, &serverPort) }
    u16(clientPort); u16(serverPort)
    if udp {
        u16(UInt16(clamping: 8 + payloadLength + extra)); u16(0)
    } else {
        for i in 2..<10 { frame.append(header(i)) }  // seq, ack
        let words = UInt8(5 + optionBytes / 4)
        frame.append(words << 4 | (control & 64 != 0 ? 1 : 0))
        frame.append(header(0)); frame.append(header(10)); frame.append(header(11))
        for _ in 0..<4 { frame.append(0) }
        frame.append(contentsOf: input[optionStart..<payloadStart])
        for _ in optionsPresent..<optionBytes { frame.append(0) }
    }
    frame.append(contentsOf: input[payloadStart..<payloadStart + payloadLength])
    input = input[(payloadStart + payloadLength)...]
    return true
}

private func newReassembler(_ budget: ReassemblyBudget, _ sink: Sink) -> StreamReassembler {
    StreamReassembler(budget: budget, maxBufferedBytes: maxBuffered, maxHistoryBytes: maxHistory, sink: sink.take)
}

private func checkCaps(_ r: StreamReassembler) {
    precondition(r.chargedBytes <= maxBuffered, "per-direction cap exceeded")
    precondition(r.counters.bufferedSegments <= r.maxBufferedSegments, "segment cap exceeded")
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

/// Reused from input to input: the views (building the every-field view is not free), the
/// frame bytes and the decoded frame (as `PacketLoop` reuses its frame).
nonisolated(unsafe) private var views = ViewSet(light: true)
nonisolated(unsafe) private var frameBytes: [UInt8] = []
nonisolated(unsafe) private let decoded = Frame()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFollow(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = UnsafeRawBufferPointer(start: data, count: size)[...]
    let follower = Follower()
    let budget = ReassemblyBudget(limit: budgetLimit)
    let sink = Sink()
    var reassemblers: [Direction: StreamReassembler] = [:]
    var states: [Int: ConnectionState] = [:]
    var udpStates: [Int: ConnectionState] = [:]
    views.reset()
    var number = 0

    while makeSegmentFrame(&input, into: &frameBytes) {
        number += 1
        frameBytes.withUnsafeBytes { buffer in
            let raw = RawFrame(bytes: ByteView(buffer), timestamp: Timestamp(seconds: Int64(number), nanoseconds: 0),
                               originalLength: buffer.count, linkType: .raw)
            FrameDecoder.decode(raw, number: number, into: decoded)
            let frame = decoded
            let analysis = follower.process(frame)
            views.render(frame, analysis, everyField: number <= fieldsOnEveryFrame || number % fieldsEvery == 0)

            if let tcp = frame.tcp, let stream = analysis.tcpStream {
                let here = Direction(stream: stream, fromClient: analysis.fromClient)
                let there = Direction(stream: stream, fromClient: !analysis.fromClient)
                if reassemblers[here] == nil { reassemblers[here] = newReassembler(budget, sink) }
                if reassemblers[there] == nil { reassemblers[there] = newReassembler(budget, sink) }
                reassemblers[here]!.add(seq: tcp.sequenceNumber, flags: tcp.flags,
                                        payload: frame.bytes.slice(tcp.payload),
                                        segmentLength: tcp.segmentLength, frame: number)
                if tcp.flags.contains(.ack) { reassemblers[there]!.acknowledged(upTo: tcp.acknowledgmentNumber) }
                checkCaps(reassemblers[here]!)
                checkCaps(reassemblers[there]!)
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
