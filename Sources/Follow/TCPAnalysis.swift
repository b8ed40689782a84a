import Dissect

/// Wireshark's TCP sequence analysis for one conversation: the state that
/// `tcp_analyze_sequence_number()` (epan/dissectors/packet-tcp.c) keeps in
/// `struct tcp_analysis`, plus the parts of `dissect_tcp()` that feed it (port-reuse
/// detection, `tcp.completeness`, the initial RTT and the first-ACK window rule).
///
/// Feed every segment of the conversation once, in capture order. The answers match a
/// single tshark 4.0 pass with default preferences (relative sequence numbers on or off
/// does not matter; `tcp.fastrt_supersedes_ooo` TRUE; no default window scaling; no MPTCP).
///
/// Order of the checks (the first three stop the rest of the per-direction checks):
/// zero-window probe → zero window → lost segment → keep-alive → window update →
/// window full → keep-alive ACK → zero-window-probe ACK → duplicate ACK; then, always,
/// ACKed unseen segment; then for data/SYN/FIN that is not a keep-alive exactly one of
/// spurious retransmission → fast retransmission → out-of-order → retransmission.
///
/// Where tshark 4.0.17 differs from the newer packet-tcp.c this was ported from (found by
/// replaying thousands of generated conversations through both):
/// - "ACKed unseen segment" moves the mark when `LT_SEQ(maxseqtobeacked, nextseq)`
///   (the newer source compares `maxseqtobeacked > nextseq`);
/// - `dupacknum` behaves as unsigned: its -1 mark also satisfies "at least 2 duplicate
///   ACKs" for fast retransmission;
/// - a retransmitted SYN (same ISN) restores nextseq but is not flagged "reused ports".
///
/// All state is inline: analysing a segment does not allocate.
public struct TCPSequenceAnalyzer: Sendable {
    /// One direction's state (Wireshark's `tcp_flow_t` with its `tcp_analyze_seq_flow_info_t`).
    struct Flow: Sendable {
        // Ordered so that the 4-byte fields fill the room after each 12-byte timestamp and
        // the flags close the struct: 89 bytes rather than 100 (two in every TCP conversation).
        var nextSeqTime = Timestamp.zero
        /// Highest next sequence number seen (0 means none yet, as in Wireshark).
        var nextSeq: UInt32 = 0
        var lastAckTime = Timestamp.zero
        /// Last acknowledgment number this side sent (at `lastAckTime`).
        var lastAck: UInt32 = 0
        /// The frame that set `nextSeq` (`nextseqframe`), for a retransmission's RTO.
        var nextSeqFrame = 0
        var lastNonDupAck = 0
        var unacked = TCPUnackedSegments()
        var baseSeq: UInt32 = 0
        /// Last raw (unscaled) window field seen; Wireshark starts it at `G_MAXUINT32`.
        var window: UInt32 = .max
        /// End of the contiguous data seen, for "ACKed unseen segment" (0 means none yet).
        var maxSeqToBeAcked: UInt32 = 0
        /// Duplicate ACKs this side has sent in a row. An "ACKed unseen segment" sets it to
        /// -1 stored unsigned (`ackedUnseenMark`), as Wireshark 4.0's `guint32` does: the next
        /// duplicate ACK restarts at 1, and meanwhile it counts as ">= 2" for fast retransmission.
        var dupAckNum: UInt32 = 0
        /// Bytes sent since the last PSH (see `pushSetLast`).
        var pushBytesSent: UInt32 = 0
        /// The bytes covered by the blocks of this side's last segment's SACK option (0
        /// without one).
        var sackedBytes: UInt32 = 0
        /// Flags of the last segment sent in this direction.
        var lastSegmentFlags: TCPAnalysisFlags = []
        /// Wireshark's `win_scale`: -1 unknown, -2 scaling not in use, else the shift.
        var windowScale: Int8 = -1
        var baseSeqSet = false
        /// True from a SYN until this side's first pure ACK: its window is not scaled yet.
        var isFirstAck = false
        /// Whether the last data segment had PSH.
        var pushSetLast = false
        /// False from a lost segment until the peer acknowledges again (`valid_bif`).
        var validBytesInFlight = true
    }

    var client = Flow()
    var server = Flow()
    /// True until the first segment: Wireshark's `conversation_is_new`.
    var isNew = true
    /// Time of the most recent SYN (without ACK); `.zero` when none.
    var lastSYNTime = Timestamp.zero
    /// Handshake RTT in nanoseconds, 0 until known (`ts_first_rtt`).
    var firstRTT: Int64 = 0

    /// `tcp.completeness`: the bit mask Wireshark accumulates for the conversation
    /// (SYN 1, SYN-ACK 2, ACK 4, DATA 8, FIN 16, RST 32; see `TCPCompleteness`).
    /// Note that tshark's single pass shows, on each frame, the value as it was *before*
    /// that frame; with `-2` every frame shows the final value, which is this one.
    public private(set) var completeness: UInt8 = 0

    /// `tcp.analysis.initial_rtt` in nanoseconds: from the last SYN to the first pure ACK
    /// after it (in either direction); nil until then.
    public var initialRTT: Int64? { firstRTT == 0 ? nil : firstRTT }

    public init() {}

    /// Segments of both sides waiting to be acknowledged (see ``TCPUnackedSegments``).
    var unackedCount: Int { client.unacked.count + server.unacked.count }

    /// See ``TCPUnackedSegments/giveBackRoomIfEmpty()``.
    mutating func giveBackUnackedRoom() {
        client.unacked.giveBackRoomIfEmpty()
        server.unacked.giveBackRoomIfEmpty()
    }

    /// Analyses one segment and updates the state.
    ///
    /// - Parameters:
    ///   - frame: the frame number (`frame.number`), used for `acks_frame` and dup-ACK frames.
    ///   - time: the capture time.
    ///   - fromClient: the direction; the client is the side that sent the first segment
    ///     (or the first SYN). Only the distinction between the two sides matters.
    ///   - flags: the TCP flags.
    ///   - seq, ack: the RAW (absolute) sequence and acknowledgment fields; pass the
    ///     acknowledgment field as captured even when the ACK flag is clear.
    ///   - window: the raw 16-bit window field (not scaled).
    ///   - windowScaleOption: the shift in this segment's Window Scale option, if it has
    ///     one (normally only SYNs do); the analyzer works out from the handshake which
    ///     shift applies to each side, as Wireshark does.
    ///   - segmentLength: `tcp.len`.
    public mutating func analyze(frame: Int, time: Timestamp, fromClient: Bool, flags: TCPFlags,
                                 seq: UInt32, ack: UInt32, window: UInt16, windowScaleOption: UInt8?,
                                 segmentLength: Int, sackedBytes: UInt32? = nil,
                                 headerCut: Bool = false, unackedRoom: Bool = true) -> TCPSegmentAnalysis {
        var result = TCPSegmentAnalysis()
        let syn = flags.contains(.syn), ackFlag = flags.contains(.ack)

        // dissect_tcp(): a SYN with a new ISN on a known conversation starts a new one,
        // and a SYN-ACK with a new ISN is marked too.
        var startsNewConversation = false
        let (senderBaseSet, senderBase) = fromClient ? (client.baseSeqSet, client.baseSeq)
                                                     : (server.baseSeqSet, server.baseSeq)
        if syn && !ackFlag && senderBaseSet && seq != senderBase {
            self = TCPSequenceAnalyzer()
            completeness = TCPCompleteness.synSent
            startsNewConversation = true
            result.flags.insert(.reusedPorts)
        } else if syn && !ackFlag && senderBaseSet {
            // The same ISN again (a retransmitted SYN): restore nextseq, which a RST with
            // SEQ = the ACK received may have moved (Wireshark issue 17616).
            if fromClient { client.nextSeq = client.maxSeqToBeAcked } else { server.nextSeq = server.maxSeqToBeAcked }
        } else if syn && ackFlag && senderBaseSet && seq != senderBase {
            if fromClient { client.baseSeq = seq } else { server.baseSeq = seq }
            result.flags.insert(.reusedPorts)
        }

        if fromClient {
            Self.analyzeSequence(&result, fwd: &client, rev: &server, frame: frame, time: time, flags: flags,
                                 seq: seq, ack: ack, seglen: segmentLength, window: window, firstRTT: firstRTT,
                                 sackedBytes: sackedBytes, unackedRoom: unackedRoom)
        } else {
            Self.analyzeSequence(&result, fwd: &server, rev: &client, frame: frame, time: time, flags: flags,
                                 seq: seq, ack: ack, seglen: segmentLength, window: window, firstRTT: firstRTT,
                                 sackedBytes: sackedBytes, unackedRoom: unackedRoom)
        }

        updateCompleteness(flags: flags, segmentLength: segmentLength, newConversation: isNew && !startsNewConversation)
        isNew = false

        // The rest of dissect_tcp() after the analysis: window scale from the options,
        // the SYN timestamp, the initial RTT and the first-ACK rule. A header the snaplen
        // cut stops tshark in its options, before it decides whether the SYN scales.
        let pureACK = ackFlag && !syn
        if fromClient {
            Self.afterAnalysis(fwd: &client, rev: &server, syn: syn && !headerCut, ack: ackFlag, pureACK: pureACK,
                               windowScaleOption: windowScaleOption)
        } else {
            Self.afterAnalysis(fwd: &server, rev: &client, syn: syn && !headerCut, ack: ackFlag, pureACK: pureACK,
                               windowScaleOption: windowScaleOption)
        }
        if syn && !ackFlag { lastSYNTime = time }
        if pureACK && lastSYNTime != .zero && firstRTT == 0 {
            firstRTT = time.nanoseconds(since: lastSYNTime)
        }
        result.initialRTT = initialRTT
        return result
    }

    private static func afterAnalysis(fwd: inout Flow, rev: inout Flow, syn: Bool, ack: Bool, pureACK: Bool,
                                      windowScaleOption: UInt8?) {
        // pdu_store_window_scale_option() (shifts above 14 are treated as 14).
        if let option = windowScaleOption { fwd.windowScale = Int8(min(option, 14)) }
        if syn {
            // verify_tcp_window_scaling()
            if fwd.windowScale == -1 {
                // No option in this SYN / SYN-ACK: neither side scales.
                fwd.windowScale = -2
                rev.windowScale = -2
            } else if ack && rev.windowScale == -2 {
                // The SYN-ACK has the option but the SYN did not.
                fwd.windowScale = -2
            }
            fwd.isFirstAck = true
        }
        if pureACK { fwd.isFirstAck = false }
    }

    /// True once the handshake showed that one side's window is not scaled (Wireshark's
    /// `win_scale` -2): a SYN or SYN-ACK without the option, whichever side sent it.
    public func scalingUnused(fromClient: Bool) -> Bool {
        (fromClient ? client : server).windowScale == -2
    }

    /// The window-scale shift that applies to one side's (non-SYN) window fields, as
    /// Wireshark works it out from the handshake: nil when unknown, 0 when not in use.
    public func windowShift(fromClient: Bool) -> Int? {
        let scale = (fromClient ? client : server).windowScale
        return scale == -1 ? nil : max(Int(scale), 0)
    }

    private mutating func updateCompleteness(flags: TCPFlags, segmentLength: Int, newConversation: Bool) {
        let syn = flags.contains(.syn), ack = flags.contains(.ack)
        if newConversation {
            // A pure SYN counts only when it opens the conversation.
            if syn && !ack {
                completeness |= TCPCompleteness.synSent
                if segmentLength > 0 { completeness |= TCPCompleteness.data }  // TCP Fast Open
            }
            return
        }
        if syn && ack { completeness |= TCPCompleteness.synAck }
        if ack && !syn { completeness |= segmentLength > 0 ? TCPCompleteness.data : TCPCompleteness.ack }
        if flags.contains(.fin) && ack { completeness |= TCPCompleteness.fin }
        if flags.contains(.rst) { completeness |= TCPCompleteness.rst }
    }

    /// `tcp_analyze_sequence_number()`, rule for rule and in the same order.
    private static func analyzeSequence(_ result: inout TCPSegmentAnalysis, fwd: inout Flow, rev: inout Flow,
                                        frame: Int, time: Timestamp, flags: TCPFlags, seq: UInt32,
                                        ack: UInt32, seglen: Int, window rawWindow: UInt16, firstRTT: Int64,
                                        sackedBytes: UInt32?, unackedRoom: Bool) {
        let window = UInt32(rawWindow)
        let len = UInt32(truncatingIfNeeded: seglen)
        let syn = flags.contains(.syn), fin = flags.contains(.fin), rst = flags.contains(.rst)
        let synFinRst = syn || fin || rst

        // Base sequence numbers (used here only to recognise a reused 4-tuple).
        if !fwd.baseSeqSet {
            fwd.baseSeq = syn ? seq : seq &- 1
            fwd.baseSeqSet = true
        }
        if !rev.baseSeqSet && flags.contains(.ack) {
            rev.baseSeq = ack &- 1
            rev.baseSeqSet = true
        }

        checks: do {
            // ZERO WINDOW PROBE: one byte at the next expected sequence number while the
            // other side advertises a zero window.
            if seglen == 1 && seq == fwd.nextSeq && rev.window == 0 {
                result.flags.insert(.zeroWindowProbe)
                break checks
            }

            // ZERO WINDOW: a zero window on anything but SYN/FIN/RST.
            if window == 0 && !synFinRst {
                result.flags.insert(.zeroWindow)
            }

            // LOST SEGMENT: beyond the highest sequence number seen (not for RST).
            if fwd.nextSeq != 0 && SeqNum.gt(seq, fwd.nextSeq) && !rst {
                result.flags.insert(.lostSegment)
                // Bytes in flight cannot be known past the hole until the peer ACKs again.
                fwd.validBytesInFlight = false
            }

            // KEEP ALIVE: 0 or 1 byte starting one byte before the next expected number.
            if (seglen == 0 || seglen == 1) && seq == fwd.nextSeq &- 1 && !synFinRst {
                result.flags.insert(.keepAlive)
            }

            // WINDOW UPDATE: no data, same seq/ack as before, a new non-zero window.
            if seglen == 0 && window != 0 && window != fwd.window && seq == fwd.nextSeq
                && ack == fwd.lastAck && !synFinRst {
                result.flags.insert(.windowUpdate)
            }

            // WINDOW FULL: data reaching exactly the right edge of the other side's window
            // (only when that side's scaling is known).
            if seglen > 0 && rev.windowScale != -1 && !synFinRst {
                let shift = rev.isFirstAck || rev.windowScale < 0 ? 0 : UInt32(rev.windowScale)
                if seq &+ len == rev.lastAck &+ (rev.window << shift) {
                    result.flags.insert(.windowFull)
                }
            }

            let repeatsLastSegment = seglen == 0 && window == fwd.window && seq == fwd.nextSeq
                && ack == fwd.lastAck && !synFinRst

            // KEEP ALIVE ACK: repeats the previous ACK after a keep-alive from the other side.
            if repeatsLastSegment && window != 0 && rev.lastSegmentFlags.contains(.keepAlive) {
                result.flags.insert(.keepAliveAck)
                break checks
            }

            // ZERO WINDOW PROBE ACK: repeats the zero window after a probe from the other side.
            if repeatsLastSegment && window == 0 && rev.lastSegmentFlags.contains(.zeroWindowProbe) {
                result.flags.insert(.zeroWindowProbeAck)
                break checks
            }

            // DUPLICATE ACK: no data, same window/seq/ack as the previous segment.
            if repeatsLastSegment && window != 0 {
                fwd.dupAckNum = fwd.dupAckNum == Self.ackedUnseenMark ? 1 : fwd.dupAckNum &+ 1
                result.flags.insert(.duplicateAck)
                result.duplicateAckNumber = Int(fwd.dupAckNum)
                result.duplicateAckOf = fwd.lastNonDupAck
            }
        }

        // finished_fwd: a new ACK number resets the duplicate-ACK count.
        if ack != fwd.lastAck {
            fwd.lastNonDupAck = frame
            fwd.dupAckNum = 0
        }

        // ACKED UNSEEN SEGMENT: acknowledges beyond the contiguous data seen the other way.
        if rev.maxSeqToBeAcked != 0 && SeqNum.gt(ack, rev.maxSeqToBeAcked) && flags.contains(.ack) {
            if SeqNum.lt(rev.maxSeqToBeAcked, rev.nextSeq) {
                // Move the mark so the same hole is reported once.
                rev.maxSeqToBeAcked = rev.nextSeq
                result.flags.insert(.ackLostSegment)
            } else {
                // The other side may be stalled sending pure ACKs: report the hole once,
                // and mark its duplicate-ACK count (-1) so the next duplicate ACK counts as 1.
                if rev.dupAckNum == 0 { result.flags.insert(.ackLostSegment) }
                rev.dupAckNum = Self.ackedUnseenMark
            }
        }

        // RETRANSMISSION / FAST RETRANSMISSION / SPURIOUS / OUT-OF-ORDER: data (or SYN/FIN)
        // that does not advance the sequence number. A keep-alive is none of these.
        if (seglen > 0 || syn || fin) && !result.flags.contains(.keepAlive) {
            var seqNotAdvanced = fwd.nextSeq != 0 && SeqNum.lt(seq, fwd.nextSeq)
            // More than one byte starting one before nextseq (after a possible zero window
            // probe) adds new data.
            if seglen > 1 && fwd.nextSeq &- 1 == seq { seqNotAdvanced = false }

            if seglen > 0 && rev.lastAck != 0 && SeqNum.le(seq &+ len, rev.lastAck) {
                // Everything in it was already acknowledged.
                result.flags.insert(.spuriousRetransmission)
            } else if seqNotAdvanced && rev.dupAckNum >= 2 && rev.lastAck == seq
                        && within(time, since: rev.lastAckTime, below: 20_000_000) {
                // Answers >= 2 duplicate ACKs within 20 ms of the last one
                // (fast retransmission takes precedence over out-of-order by default).
                result.flags.insert(.fastRetransmission)
            } else if seqNotAdvanced
                        && within(time, since: fwd.nextSeqTime, below: firstRTT == 0 ? 3_000_000 : firstRTT)
                        && fwd.nextSeq != seq &+ len &+ (syn || fin ? 1 : 0) {
                // Arrived within the reorder window (the handshake RTT, or 3 ms) of the
                // highest segment and does not end exactly where it ends.
                result.flags.insert(.outOfOrder)
            } else if seqNotAdvanced {
                result.flags.insert(.retransmission)
                // Wireshark times only the plain retransmission: from the oldest segment
                // not yet acknowledged, likely the one sent again, or else from the
                // segment that reached the highest sequence number.
                let reference = fwd.unacked.oldest.map { ($0.time, $0.frame) } ?? (fwd.nextSeqTime, fwd.nextSeqFrame)
                result.rto = time.nanoseconds(since: reference.0)
                result.rtoFrame = reference.1
            }
        }

        // finished_checking_retransmission_type: remember the segment.
        var nextSeq = seq &+ len
        if seglen > 0 || syn || fin {
            if syn || fin { nextSeq &+= 1 }
            if unackedRoom { fwd.unacked.append(TCPUnackedSegment(frame: frame, seq: seq, nextSeq: nextSeq, time: time)) }
        }
        let isProbe = result.flags.contains(.zeroWindowProbe)
        if (SeqNum.gt(nextSeq, fwd.nextSeq) || fwd.nextSeq == 0) && !isProbe {
            fwd.nextSeq = nextSeq
            fwd.nextSeqTime = time
            fwd.nextSeqFrame = frame
        }
        if (seq == fwd.maxSeqToBeAcked || fwd.maxSeqToBeAcked == 0) && !isProbe {
            fwd.maxSeqToBeAcked = fwd.nextSeq
        }

        // Bytes in flight and bytes since PSH, for segments that carry data: what this
        // side has sent, less what the peer acknowledged or selectively acknowledged last.
        if flags.contains(.ack) { rev.validBytesInFlight = true }
        if seglen > 0 && fwd.validBytesInFlight {
            // Wireshark 4.0's default ("historical") rule: from the lowest to the highest
            // sequence number of the segments not yet acknowledged (lost ones were never
            // seen, so they do not count), less the bytes the peer's last SACK covered.
            let span = fwd.unacked.span(highestSent: fwd.nextSeq)
            let inFlight = span.last &- span.first &- rev.sackedBytes
            // A SYN or FIN counts in the span but is no byte in flight.
            if inFlight > 0 && inFlight < 2_000_000_000 { result.bytesInFlight = Int(inFlight) - (syn || fin ? 1 : 0) }
            // The count restarts with the first segment after a PSH, as Wireshark's does.
            fwd.pushBytesSent = fwd.pushSetLast ? len : fwd.pushBytesSent &+ len
            fwd.pushSetLast = flags.contains(.psh)
            result.pushBytesSent = Int(fwd.pushBytesSent)
        }

        fwd.window = window
        fwd.sackedBytes = sackedBytes ?? 0
        fwd.lastAck = ack
        fwd.lastAckTime = time
        fwd.lastSegmentFlags = result.flags

        // Drop what this ACK covers from the other side's unacked list; note the segment
        // it acknowledges exactly.
        if let acked = rev.unacked.acknowledge(ack) {
            result.ackedFrame = acked.frame
            // Like tshark, no RTT when it is exactly zero.
            let rtt = time.nanoseconds(since: acked.time)
            result.ackRTT = rtt == 0 ? nil : rtt
        }
    }

    /// Wireshark's `dupacknum = -1` in an unsigned field.
    static let ackedUnseenMark = UInt32.max

    /// `now - then < limit` in nanoseconds with Wireshark's `guint64` arithmetic: a
    /// negative difference never qualifies, a negative limit lets everything through.
    private static func within(_ now: Timestamp, since then: Timestamp, below limit: Int64) -> Bool {
        UInt64(bitPattern: now.nanoseconds(since: then)) < UInt64(bitPattern: limit)
    }
}
