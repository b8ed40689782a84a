import Dissect

/// Zeek's `conn_state` values (`scripts/base/protocols/conn/main.zeek`, `Conn::Info$conn_state`).
public enum ConnState: String, Sendable, CaseIterable {
    /// Connection attempt seen, no reply.
    case S0
    /// Connection established, not terminated.
    case S1
    /// Normal establishment and termination (for UDP: both sides sent something).
    case SF
    /// Connection attempt rejected.
    case REJ
    /// Established, close attempt by the originator seen (no reply from the responder).
    case S2
    /// Established, close attempt by the responder seen (no reply from the originator).
    case S3
    /// Established, the originator aborted (sent a RST).
    case RSTO
    /// The responder sent a RST.
    case RSTR
    /// The originator sent a SYN followed by a RST; no SYN-ACK from the responder.
    case RSTOS0
    /// The responder sent a SYN-ACK followed by a RST; no SYN from the (purported) originator.
    case RSTRH
    /// The originator sent a SYN followed by a FIN; no SYN-ACK from the responder ("half" open).
    case SH
    /// The responder sent a SYN-ACK followed by a FIN; no SYN from the originator.
    case SHR
    /// No SYN seen, just midstream traffic (e.g. a partial connection that was not closed).
    case OTH
}

/// Follows the packets of one conversation (TCP or UDP), in capture order, and reports Zeek's
/// `conn_state`, `history`, `orig_bytes`/`resp_bytes` and `missed_bytes` rule for rule.
///
/// Sources (zeek/zeek): `src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc` (`Process`,
/// `init_endpoint`, `get_relative_seq`, `update_history`, `update_window`, `init_peer`,
/// `update_ack_seq`, `update_last_seq`, `UpdateStateMachine` and the `Update*State` functions,
/// `SetPartialStatus`, `FlipRoles`), `src/packet_analysis/protocol/tcp/TCP.cc`
/// (`WantConnection`, `ValidateChecksum`), `src/packet_analysis/protocol/ip/IPBasedAnalyzer.cc`
/// (`NewConn`), `src/analyzer/protocol/tcp/TCP_Endpoint.cc` (`SetState`, `Size`, `CheckHistory`,
/// `ChecksumError`, `DidRxmit`, `ZeroWindow`, `Gap`), `src/analyzer/protocol/tcp/TCP_Reassembler.cc`
/// and `src/Reassem.cc` (`DataSent`, `AckReceived`, `Undelivered`, `Gap`, `Trim`), `src/Conn.cc`
/// (`FlipRoles`, `ScaledHistoryEntry`), `src/packet_analysis/protocol/udp/UDP.cc` and
/// `UDPSessionAdapter.cc`, and `scripts/base/protocols/conn/main.zeek` (function `conn_state`).
///
/// Zeek's originator is the sender of the first packet, unless Zeek's heuristics swap the roles
/// (port heuristic for a first packet that is not a pure SYN, or a SYN answering an earlier
/// SYN-ACK); see ``flipped``.
public struct ConnectionState: Sendable {
    public enum Transport: Sendable, Equatable {
        case tcp
        case udp
    }

    /// Zeek's endpoint states: `TCP_ENDPOINT_*` (`TCP_Endpoint.h`). For UDP only `inactive`
    /// (Zeek's `UDP_INACTIVE`) and `active` (`UDP_ACTIVE`) occur.
    public enum EndpointState: Sendable, Equatable {
        /// No SYN (or other packet) seen from this side.
        case inactive
        /// SYN seen, but no ack.
        case synSent
        /// SYN-ACK seen, no initial SYN.
        case synAckSent
        /// Data seen, but no SYN.
        case partial
        /// SYN-ACK seen (implicit for a SYN sent by the responder).
        case established
        /// FIN seen.
        case closed
        /// RST seen.
        case reset
        /// UDP: a packet was seen from this side.
        case active
    }

    public let transport: Transport
    /// Zeek's `history` (see `Conn::Info$history`).
    public var history: String { hist.text }
    /// True when Zeek's originator is the side the caller initially called the responder. It
    /// changes when Zeek flips the roles (history gets `^`), and on the first packet if that packet
    /// comes from the caller's responder (Zeek always starts with the first sender as originator;
    /// no `^` then). Whenever it changes, swap client and server before passing the next packet.
    public private(set) var flipped = false
    // The small fields first, together: every TCP and UDP conversation holds one of these
    // (88 bytes in this order, 104 as they were).
    private var sawFirstPacket = false
    // TCPSessionAdapter's is_partial and first_packet_seen (bit 1: orig, bit 2: resp).
    private var isPartial = false
    private var firstPacketSeen: UInt8 = 0
    /// Index into `sides` of Zeek's current originator (0 or 1).
    private var origIndexByte: UInt8 = 0
    private var origIndex: Int {
        get { Int(origIndexByte) }
        set { origIndexByte = UInt8(truncatingIfNeeded: newValue) }
    }
    private let ports: (UInt16, UInt16)?

    private var hist = ConnectionHistory()
    /// The two sides, by physical identity: [0] is the caller's initial originator.
    /// UDP reads only their checksum counters, so a UDP conversation makes them on its
    /// first bad checksum: tens of thousands of conversations would otherwise each carry
    /// a 336-byte heap block they never read.
    private var sides: [Side]
    /// A caller's own `likely_server_ports` test; nil for Zeek's default of the transport
    /// (8 bytes here, where the closure itself took 16).
    private let customServerPorts: ServerPortTest?
    private var isLikelyServerPort: @Sendable (UInt16) -> Bool {
        if let customServerPorts { return customServerPorts.test }
        if transport == .tcp { return { Self.tcpServerPorts.contains($0) } }
        return { Self.udpServerPorts.contains($0) }
    }
    /// Zeek's `missed_bytes`: the lengths of content gaps (`content_gap` events).
    public private(set) var missedBytes: UInt64 = 0
    // UDP: Zeek's UDPSessionAdapter request_len/reply_len (-1: nothing seen) and checksum counters.
    private var udpLength = UDPLengths()

    /// - Parameters:
    ///   - transport: `.tcp` or `.udp`.
    ///   - originatorPort, responderPort: the ports of the caller's originator and responder. When
    ///     both are given, Zeek's likely-server-port heuristic (`WantConnection`) runs on the first
    ///     packet; when omitted, it never flips.
    ///   - isLikelyServerPort: Zeek's `likely_server_ports` membership for this transport. The
    ///     default is ``defaultLikelyServerPorts(_:)``.
    public init(transport: Transport, originatorPort: UInt16? = nil, responderPort: UInt16? = nil,
                isLikelyServerPort: (@Sendable (UInt16) -> Bool)? = nil) {
        self.transport = transport
        if let o = originatorPort, let r = responderPort { ports = (o, r) } else { ports = nil }
        customServerPorts = isLikelyServerPort.map(ServerPortTest.init)
        sides = transport == .tcp ? [Side(isOrig: true), Side(isOrig: false)] : []
    }

    // MARK: - Results

    /// Zeek's `conn_state` for the packets seen so far.
    public var state: ConnState {
        switch transport {
        case .udp:
            let os = udpLength[origIndex] >= 0, rs = udpLength[1 - origIndex] >= 0
            if os { return rs ? .SF : .S0 }
            return rs ? .SHR : .OTH
        case .tcp:
            return Self.conn_state(orig: orig, resp: resp, origSize: originatorBytes,
                                   respSize: responderBytes, history: hist.text)
        }
    }

    /// Zeek's `orig_bytes`: for TCP taken from sequence numbers (`TCP_Endpoint::Size`), for UDP
    /// the sum of the payload lengths passed in. Zeek logs it only when the duration is > 0.
    public var originatorBytes: UInt64 { bytes(origIndex) }
    /// Zeek's `resp_bytes`; see ``originatorBytes``.
    public var responderBytes: UInt64 { bytes(1 - origIndex) }

    /// Zeek's `c$orig$state` (TCP endpoint state, or UDP active/inactive).
    public var originatorState: EndpointState { endpointState(origIndex) }
    /// Zeek's `c$resp$state`.
    public var responderState: EndpointState { endpointState(1 - origIndex) }

    private var orig: Side { sides[origIndex] }
    private var resp: Side { sides[1 - origIndex] }

    private func bytes(_ i: Int) -> UInt64 {
        switch transport {
        case .udp: return udpLength[i] < 0 ? 0 : UInt64(udpLength[i])
        case .tcp: return sides[i].size(peer: sides[1 - i])
        }
    }

    private func endpointState(_ i: Int) -> EndpointState {
        switch transport {
        case .udp: return udpLength[i] >= 0 ? .active : .inactive
        case .tcp: return sides[i].state
        }
    }

    /// `conn_state` of `scripts/base/protocols/conn/main.zeek`, TCP branch.
    static func conn_state(orig: Side, resp: Side, origSize: UInt64, respSize: UInt64, history: String) -> ConnState {
        let os = orig.state, rs = resp.state
        let oInactive = os == .inactive || os == .partial
        let rInactive = rs == .inactive || rs == .partial
        if rs == .reset {
            if os == .synSent || os == .synAckSent || (os == .reset && origSize == 0 && respSize == 0) {
                return .REJ
            }
            return oInactive ? .RSTRH : .RSTR
        }
        if os == .reset {
            if rInactive {
                return matchesRSTOS0(history) ? .RSTOS0 : .OTH
            }
            return .RSTO
        }
        if rs == .closed && os == .closed { return .SF }
        if os == .closed { return rInactive ? .SH : .S2 }
        if rs == .closed { return oInactive ? .SHR : .S3 }
        if os == .synSent && rs == .inactive { return .S0 }
        if os == .established && rs == .established { return .S1 }
        return .OTH
    }

    /// The whole-string match `/\^?S[^HAFGIQ]*R.*/ == c$history`.
    static func matchesRSTOS0(_ history: String) -> Bool {
        var s = Substring(history)
        if s.first == "^" { s = s.dropFirst() }
        guard s.first == "S" else { return false }
        for c in s.dropFirst() {
            if c == "R" { return true }
            if "HAFGIQ".contains(c) { return false }
        }
        return false
    }

    // MARK: - First packet (IPBasedAnalyzer::NewConn, WantConnection)

    /// Maps the caller's direction to Zeek's `is_orig`, handling the first packet.
    private mutating func zeekIsOrig(callerIsOriginator: Bool, firstPacketWantsFlip: (UInt16, UInt16) -> Bool) -> Bool {
        guard !sawFirstPacket else { return callerIsOriginator }
        sawFirstPacket = true
        if !callerIsOriginator {
            // Zeek's originator is the first sender: the caller's responder.
            origIndex = 1
            if !sides.isEmpty {
                sides[0].isOrig = false
                sides[1].isOrig = true
            }
            flipped = true
        }
        if let ports {
            let src = origIndex == 0 ? ports.0 : ports.1
            let dst = origIndex == 0 ? ports.1 : ports.0
            if firstPacketWantsFlip(src, dst) {
                flipRoles()
                return false
            }
        }
        return true
    }

    /// `Connection::FlipRoles` + `TCPSessionAdapter::FlipRoles`.
    private mutating func flipRoles() {
        origIndex = 1 - origIndex
        if !sides.isEmpty {
            sides[0].isOrig.toggle()
            sides[1].isOrig.toggle()
        }
        flipped.toggle()
        firstPacketSeen = ((firstPacketSeen & 1) != 0 ? 2 : 0) | ((firstPacketSeen & 2) != 0 ? 1 : 0)
        isPartial = false
        hist.add("^")
    }

    // MARK: - UDP (UDP.cc DeliverPacket, UDPSessionAdapter)

    /// Observes one UDP datagram.
    /// - Parameters:
    ///   - isOriginator: whether it comes from the side the caller currently considers the originator.
    ///   - payloadLength: the UDP payload length (Zeek uses the UDP header length minus 8).
    ///   - checksumValid: false for a bad checksum (Zeek drops the datagram and logs `C`/`c`);
    ///     nil when not verified (zero IPv4 checksum, offloading, truncated capture).
    public mutating func observeUDP(isOriginator: Bool, payloadLength: Int, checksumValid: Bool? = nil) {
        precondition(transport == .udp, "observeUDP on a TCP connection")
        let likely = isLikelyServerPort
        let isOrig = zeekIsOrig(callerIsOriginator: isOriginator) { src, dst in
            likely(src) && !likely(dst)
        }
        let i = isOrig ? origIndex : 1 - origIndex
        if checksumValid == false {
            if sides.isEmpty { sides = [Side(isOrig: origIndex == 0), Side(isOrig: origIndex == 1)] }
            if sides[i].chk.hit() { hist.add(isOrig ? "C" : "c") }
            return
        }
        if isOrig {
            hist.check(mask: UDPHistoryMask.origData, "D")
        } else {
            hist.check(mask: UDPHistoryMask.respData, "d")
        }
        let len = Int64(payloadLength)
        udpLength[i] = udpLength[i] < 0 ? len : udpLength[i] &+ len
    }

    // MARK: - TCP (TCP.cc DeliverPacket, TCPSessionAdapter::Process)

    /// Observes one TCP segment.
    /// - Parameters:
    ///   - isOriginator: whether it comes from the side the caller currently considers the originator.
    ///   - flags: the TCP flags.
    ///   - seq, ack: the raw (absolute) sequence and acknowledgment numbers.
    ///   - payloadLength: the segment's payload length from the IP header (`tcp.len`).
    ///   - window: the raw window field.
    ///   - checksumValid: false for a bad checksum (Zeek logs `C`/`c` and ignores the segment
    ///     otherwise); nil when not verified.
    ///   - payloadCaptured: false when the capture holds less than `payloadLength` bytes of payload;
    ///     Zeek then does not reassemble it, so acknowledging it shows up as a content gap.
    public mutating func observeTCP(isOriginator: Bool, flags: TCPFlags, seq: UInt32, ack: UInt32,
                                    payloadLength: Int, window: UInt16, checksumValid: Bool? = nil,
                                    payloadCaptured: Bool = true) {
        precondition(transport == .tcp, "observeTCP on a UDP connection")
        let likely = isLikelyServerPort
        let isOrig = zeekIsOrig(callerIsOriginator: isOriginator) { src, dst in
            // TCPAnalyzer::WantConnection (partial_connection_ok and tcp_SYN_ack_ok are T by default).
            guard !flags.contains(.syn) || flags.contains(.ack) else { return false }
            guard likely(src) else { return false }
            if likely(dst) { return !flags.contains(.syn) && src < dst }
            return true
        }
        let e = isOrig ? origIndex : 1 - origIndex
        let p = 1 - e
        let len = payloadLength
        let syn = flags.contains(.syn), fin = flags.contains(.fin), rst = flags.contains(.rst)
        let hasAck = flags.contains(.ack)

        // TCPAnalyzer::ValidateChecksum → TCP_Endpoint::ChecksumError.
        if checksumValid == false {
            if sides[e].chk.hit() { hist.add("C", isOrig: sides[e].isOrig) }
            return
        }

        setPartialStatus(flags: flags, isOrig: sides[e].isOrig)

        // get_segment_len
        var segLen = len
        if syn { segLen += 1 }
        if fin { segLen += 1 }
        if rst { segLen -= len }
        let seqOnePast = seq &+ UInt32(truncatingIfNeeded: segLen)

        sides[e].initEndpoint(flags: flags, firstSegSeq: seq, lastSeq: seqOnePast)

        var seqUnderflow = false
        let relSeq = Self.relativeSeq(sides[e], seq, last: sides[e].lastSeq, wraps: sides[e].seqWraps, underflow: &seqUnderflow)

        updateHistory(flags: flags, e: e, relSeq: relSeq, len: len)

        // update_window: only the zero-window part matters for the state and history.
        // (The window scale cannot turn a non-zero 16-bit window into zero.)
        if window == 0 && !rst && sides[p].state != .closed && sides[e].state != .reset {
            if sides[e].win0.hit() { hist.add("W", isOrig: sides[e].isOrig) }
        }

        if fin {
            if sides[e].finCount < .max { sides[e].finCount += 1 }
            sides[e].finSeq = relSeq &+ UInt64(bitPattern: Int64(segLen))
        }

        var relAck: UInt64 = 0
        if hasAck {
            if sides[p].state == .inactive {
                relAck = 1
                // init_peer
                sides[p].startSeq = Int64(ack &- 1)
                sides[p].ackSeq = ack &- 1
                sides[p].lastSeq = ack &- 1
            } else {
                var ackUnderflow = false
                relAck = Self.relativeSeq(sides[p], ack, last: sides[p].ackSeq, wraps: sides[p].ackWraps, underflow: &ackUnderflow)
                if ackUnderflow {
                    relAck = 0
                } else if !rst {
                    // update_ack_seq
                    let delta = seqDelta(ack, sides[p].ackSeq)
                    if ack == 0 && delta > tooLargeSeqDelta {
                    } else if delta > 0 {
                        sides[p].updateAckSeq(ack)
                    }
                }
            }
        }

        let deltaLast = updateLastSeq(e: e, lastSeq: seqOnePast, flags: flags, len: len)
        _ = deltaLast // only used by Zeek for weirds (FIN_advanced_last_seq)

        updateStateMachine(e: e, p: p, baseSeq: seq, len: len, isOrig: isOrig, flags: flags)

        if hasAck { ackReceived(side: p, seq: relAck) }

        // CheckPIA_FirstPacket: is_orig is Process's argument (the role before any flip above).
        firstPacketSeen |= isOrig ? 1 : 2

        let relDataSeq = syn ? relSeq &+ 1 : relSeq
        if len > 0 && !rst && !seqUnderflow && payloadCaptured {
            let ownAck = sides[e].toRelative(sides[e].ackSeq, wraps: sides[e].ackWraps)
            sides[e].reassembly.dataSent(seq: relDataSeq, length: UInt64(len), ack: ownAck)
        }
    }

    // MARK: - Process helpers

    private mutating func setPartialStatus(flags: TCPFlags, isOrig: Bool) {
        if isOrig {
            if firstPacketSeen & 1 == 0 {
                isPartial = !flags.contains(.syn) || flags.contains(.ack)
            }
        } else if firstPacketSeen & 2 == 0 && !isPartial {
            isPartial = !flags.contains(.syn)
        }
    }

    /// `get_relative_seq`.
    static func relativeSeq(_ endpoint: Side, _ curBase: UInt32, last: UInt32, wraps: UInt32, underflow: inout Bool) -> UInt64 {
        var wraps = wraps
        let delta = seqDelta(curBase, last)
        if delta < 0 {
            if wraps != 0 && curBase > last { wraps -= 1 }
        } else if delta > 0 {
            if curBase < last { wraps &+= 1 }
        }
        if wraps == 0 {
            let d = seqDelta(curBase, endpoint.startSeq32)
            if d < 0 { underflow = true }
            return UInt64(bitPattern: Int64(d))
        }
        return endpoint.toRelative(curBase, wraps: wraps)
    }

    /// `update_history`.
    private mutating func updateHistory(flags: TCPFlags, e: Int, relSeq: UInt64, len: Int) {
        let syn = flags.contains(.syn), fin = flags.contains(.fin), rst = flags.contains(.rst)
        let isOrig = sides[e].isOrig
        let bitsSet = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0)
        if bitsSet > 1 {
            if fin && rst {
                hist.check(mask: TCPHistoryMask.finRst, "I", isOrig: isOrig)
            } else {
                hist.check(mask: TCPHistoryMask.multiFlag, "Q", isOrig: isOrig)
            }
        } else if bitsSet == 1 {
            if syn {
                let code: Character = flags.contains(.ack) ? "H" : "S"
                if hist.check(mask: TCPHistoryMask.syn, code, isOrig: isOrig) && relSeq != sides[e].histLastSYN {
                    hist.add(code, isOrig: isOrig)
                }
                sides[e].histLastSYN = relSeq
            }
            if fin {
                // For FINs the sequence number that counts is at the end of the data.
                let finSeq = relSeq &+ UInt64(bitPattern: Int64(len))
                if hist.check(mask: TCPHistoryMask.fin, "F", isOrig: isOrig) && finSeq != sides[e].histLastFIN {
                    hist.add("F", isOrig: isOrig)
                }
                sides[e].histLastFIN = finSeq
            }
            if rst {
                if hist.check(mask: TCPHistoryMask.rst, "R", isOrig: isOrig) && relSeq != sides[e].histLastRST {
                    hist.add("R", isOrig: isOrig)
                }
                sides[e].histLastRST = relSeq
            }
        } else {
            if len != 0 {
                hist.check(mask: TCPHistoryMask.data, "D", isOrig: isOrig)
            } else if flags.contains(.ack) {
                hist.check(mask: TCPHistoryMask.ack, "A", isOrig: isOrig)
            }
        }
    }

    /// `update_last_seq`; returns delta_last. Retransmissions (`T`/`t`) are counted here.
    private mutating func updateLastSeq(e: Int, lastSeq: UInt32, flags: TCPFlags, len: Int) -> Int32 {
        let deltaLast = seqDelta(lastSeq, sides[e].lastSeq)
        if (flags.contains(.syn) || flags.contains(.rst)) && (deltaLast > tooLargeSeqDelta || deltaLast < -tooLargeSeqDelta) {
            // Don't trust such sequence numbers.
        } else if flags.contains(.fin) && sides[e].lastSeq == sides[e].startSeq32 &+ 1 {
            sides[e].updateLastSeq(lastSeq)
        } else if sides[e].state == .reset {
            // Don't trust any subsequent sequence numbers.
        } else if deltaLast > 0 {
            sides[e].updateLastSeq(lastSeq)
        } else if deltaLast <= 0 && len > 0 {
            // TCP_Endpoint::DidRxmit
            if sides[e].rxmt.hit() { hist.add("T", isOrig: sides[e].isOrig) }
        }
        return deltaLast
    }

    /// `TCPSessionAdapter::UpdateStateMachine` (events, timers and weirds left out).
    private mutating func updateStateMachine(e: Int, p: Int, baseSeq: UInt32, len: Int, isOrig: Bool, flags: TCPFlags) {
        let syn = flags.contains(.syn), fin = flags.contains(.fin), rst = flags.contains(.rst)
        let hasAck = flags.contains(.ack)
        switch sides[e].state {
        case .inactive:
            // UpdateInactiveState
            if syn {
                if isOrig {
                    sides[e].setState(hasAck ? .synAckSent : .synSent)
                } else {
                    if hasAck {
                        // weird bad_SYN_ack at most
                    } else if sides[p].state == .synAckSent && baseSeq == sides[e].startSeq32 {
                        // SYN/SYN-ACK reversal: flip the endpoints and establish the connection.
                        isPartial = false
                        flipRoles()
                        sides[p].setState(.established)
                        firstPacketSeen |= 1 // SetFirstPacketSeen(true)
                    }
                    if sides[p].state == .synSent {
                        sides[p].setState(.established)
                    }
                    sides[e].setState(.established)
                }
            }
            if fin {
                sides[e].setState(.closed)
            }
            if rst {
                sides[e].setState(.reset)
            }
            if sides[e].state == .inactive {
                if !isOrig && len == 0 && orig.state == .synSent {
                    // An early ack of the SYN before the SYN-ACK: not a partial connection.
                } else if hasAck && sides[p].state == .established {
                    // Missed the SYN but saw the SYN-ACK; establish instead of going partial.
                    sides[e].setState(.established)
                    isPartial = false
                    firstPacketSeen |= isOrig ? 1 : 2
                } else {
                    sides[e].setState(.partial)
                }
            }
        case .synSent, .synAckSent:
            // UpdateSYN_SentState
            if fin { sides[e].setState(.closed) }
            if rst { sides[e].setState(.reset) }
        case .established, .partial:
            // UpdateEstablishedState
            if syn && sides[e].state == .partial && sides[p].state == .inactive && !hasAck {
                sides[e].setState(.synSent)
            }
            if fin && !rst {
                sides[e].setState(.closed)
                if sides[p].state == .reset && sides[p].prevState == .closed {
                    // The peer's FIN then RST was a normal termination.
                    sides[p].setState(.closed)
                }
            }
            if rst { sides[e].setState(.reset) }
        case .closed:
            // UpdateClosedState
            if rst && sides[p].state != .closed { sides[e].setState(.reset) }
        case .reset, .active:
            break
        }
    }

    /// `TCP_Endpoint::AckReceived` → `TCP_Reassembler::AckReceived`: the peer acknowledged data
    /// of `side` up to `seq`; data never seen below it is a content gap (`G`/`g`, `missed_bytes`).
    private mutating func ackReceived(side i: Int, seq: UInt64) {
        var seq = seq
        if sides[i].finCount > 0 && seq >= sides[i].finSeq { seq = sides[i].finSeq &- 1 }
        let gaps = sides[i].reassembly.ackReceived(seq, isPartialConnection: isPartial)
        for gap in gaps {
            // TCP_Reassembler::Gap: only for cleanly established or closing connections
            // (report_gaps_for_partial is F by default).
            guard sides[i].isClean && sides[1 - i].isClean else { continue }
            if sides[i].gap.hit() { hist.add("G", isOrig: sides[i].isOrig) }
            missedBytes &+= gap.length
        }
    }

    // MARK: - Likely server ports

    /// An approximation of Zeek's default `likely_server_ports`, the union of the `ports` sets
    /// that Zeek's base protocol and tunnel scripts add to it (Zeek 6/7 defaults). Pass your own
    /// predicate to `init` to match a site's configuration.
    // Built once: a connection is created per flow, and a SYN flood makes millions.
    static let tcpServerPorts = defaultLikelyServerPorts(.tcp)
    static let udpServerPorts = defaultLikelyServerPorts(.udp)

    public static func defaultLikelyServerPorts(_ transport: Transport) -> Set<UInt16> {
        switch transport {
        case .tcp:
            return [
                21, 2811,                                  // FTP
                22,                                        // SSH
                25, 587,                                   // SMTP
                53,                                        // DNS
                79,                                        // Finger
                80, 81, 631, 1080, 3128, 8000, 8080, 8888, // HTTP
                88, 750,                                   // Kerberos
                110,                                       // POP3
                135,                                       // DCE-RPC
                139, 445,                                  // SMB
                143,                                       // IMAP
                389, 3268,                                 // LDAP
                443, 563, 585, 614, 636, 989, 990, 992, 993, 995, 5223, // SSL/TLS
                502,                                       // Modbus
                1434, 3306,                                // MySQL
                1883,                                      // MQTT
                3389,                                      // RDP
                5222, 5269,                                // XMPP
                5432,                                      // PostgreSQL
                6379,                                      // Redis
                6666, 6667, 6668, 6669,                    // IRC
                20000,                                     // DNP3
            ]
        case .udp:
            return [
                53, 137, 5353, 5355,                       // DNS, NetBIOS-NS, mDNS, LLMNR
                67, 68,                                    // DHCP
                88, 750,                                   // Kerberos
                123,                                       // NTP
                161, 162,                                  // SNMP
                389,                                       // LDAP
                443,                                       // QUIC
                514,                                       // Syslog
                1812,                                      // RADIUS
                2123, 2152,                                // GTPv1
                3544,                                      // Teredo
                4789,                                      // VXLAN
                5060,                                      // SIP
                5072,                                      // AYIYA
                6081,                                      // Geneve
                20000,                                     // DNP3
            ]
        }
    }
}

// MARK: - Endpoint

/// Zeek's request_len and reply_len, by side, inline: an array would cost a heap block per
/// conversation.
/// A caller's `likely_server_ports` test, boxed (see ``ConnectionState``).
final class ServerPortTest: Sendable {
    let test: @Sendable (UInt16) -> Bool
    init(_ test: @escaping @Sendable (UInt16) -> Bool) { self.test = test }
}

struct UDPLengths: Sendable {
    private var first: Int64 = -1
    private var second: Int64 = -1

    subscript(i: Int) -> Int64 {
        get { i == 0 ? first : second }
        set { if i == 0 { first = newValue } else { second = newValue } }
    }
}

private let tooLargeSeqDelta: Int32 = 1_048_576

/// `seq_delta`: the signed 32-bit distance between two sequence numbers.
@inline(__always)
func seqDelta(_ a: UInt32, _ b: UInt32) -> Int32 {
    Int32(bitPattern: a &- b)
}

extension ConnectionState {
    /// One side of the connection: Zeek's `TCP_Endpoint` fields that matter for state, history and
    /// sizes (and the UDP checksum counter).
    struct Side: Sendable {
        // In this order, the 4-byte fields fill the room the 8-byte ones leave: 128 bytes
        // a side rather than 152 (two in every TCP conversation).
        var isOrig: Bool
        var state: EndpointState = .inactive
        var prevState: EndpointState = .inactive
        /// FINs seen (only ever compared with zero; it stops counting at the top). Zeek's RST
        /// count is never read, and not kept.
        var finCount: Int32 = 0
        var startSeq: Int64 = 0
        var lastSeq: UInt32 = 0
        var ackSeq: UInt32 = 0
        var seqWraps: UInt32 = 0
        var ackWraps: UInt32 = 0
        var chk = ScaledHistoryCounter()
        var rxmt = ScaledHistoryCounter()
        var win0 = ScaledHistoryCounter()
        var gap = ScaledHistoryCounter()
        var finSeq: UInt64 = 0
        var histLastSYN: UInt64 = 0
        var histLastFIN: UInt64 = 0
        var histLastRST: UInt64 = 0
        var reassembly = GapTracker()

        init(isOrig: Bool) { self.isOrig = isOrig }

        var startSeq32: UInt32 { UInt32(truncatingIfNeeded: startSeq) }

        /// `TCP_Endpoint::SetState`.
        mutating func setState(_ s: EndpointState) {
            if s != state {
                prevState = state
                state = s
            }
        }

        /// `ToRelativeSeqSpace`.
        func toRelative(_ seq: UInt32, wraps: UInt32) -> UInt64 {
            ((UInt64(wraps) << 32) &+ UInt64(seq)) &- UInt64(bitPattern: startSeq)
        }

        mutating func updateLastSeq(_ seq: UInt32) {
            if seq < lastSeq { seqWraps &+= 1 }
            lastSeq = seq
        }

        mutating func updateAckSeq(_ seq: UInt32) {
            if seq < ackSeq { ackWraps &+= 1 }
            ackSeq = seq
        }

        /// `NoDataAcked`.
        var noDataAcked: Bool {
            let ack = (UInt64(ackWraps) << 32) &+ UInt64(ackSeq)
            let start = UInt64(bitPattern: startSeq)
            return ack == start || ack == start &+ 1
        }

        /// `is_clean` of TCP_Reassembler.cc.
        var isClean: Bool {
            state == .established || (state == .closed && prevState == .established)
        }

        /// `init_endpoint`.
        mutating func initEndpoint(flags: TCPFlags, firstSegSeq: UInt32, lastSeq: UInt32) {
            let syn = flags.contains(.syn)
            switch state {
            case .inactive:
                var last = lastSeq
                if syn {
                    ackSeq = firstSegSeq
                    startSeq = Int64(firstSegSeq)
                } else {
                    // Partial connection: number as though a SYN had been seen.
                    ackSeq = firstSegSeq &- 1
                    startSeq = Int64(firstSegSeq &- 1)
                    last = firstSegSeq
                }
                self.lastSeq = last
            case .synSent, .synAckSent:
                if syn && firstSegSeq != startSeq32 {
                    startSeq = Int64(firstSegSeq)
                    ackSeq = firstSegSeq
                    self.lastSeq = lastSeq
                }
            case .established, .partial:
                if syn {
                    startSeq = Int64(firstSegSeq)
                    ackSeq = firstSegSeq
                    self.lastSeq = lastSeq
                }
            case .reset:
                if syn && prevState == .inactive {
                    startSeq = Int64(firstSegSeq)
                    ackSeq = firstSegSeq
                    self.lastSeq = lastSeq
                }
            case .closed, .active:
                break
            }
        }

        /// `TCP_Endpoint::Size`.
        func size(peer: Side) -> UInt64 {
            if prevState == .synSent && state == .reset && peer.state == .inactive && !noDataAcked {
                // A half-open connection discovered and aborted.
                return 0
            }
            let last64 = (UInt64(seqWraps) << 32) &+ UInt64(lastSeq)
            let ack64 = (UInt64(ackWraps) << 32) &+ UInt64(ackSeq)
            var size = (last64 > ack64 ? last64 : ack64) &- UInt64(bitPattern: startSeq)
            if size != 0 { size -= 1 }                  // the SYN octet
            if finCount > 0 && size != 0 { size -= 1 }  // the FIN octet
            return size
        }
    }
}
