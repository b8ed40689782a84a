import Dissect
import Follow

/// TCP (RFC 9293): the header, each option with its kind and length, and the follower's
/// generated fields (stream, relative numbers, timestamps, SEQ/ACK analysis).
enum TCPTree {
    static let srcport = HeaderField("tcp.srcport", "Source Port", .uint16)
    static let dstport = HeaderField("tcp.dstport", "Destination Port", .uint16)
    static let port = HeaderField("tcp.port", "Source or Destination Port", .uint16)
    static let stream = HeaderField("tcp.stream", "Stream index", .uint32)
    static let completeness = HeaderField("tcp.completeness", "Conversation completeness", .uint8)
    static let len = HeaderField("tcp.len", "TCP Segment Len", .uint32)
    static let seq = HeaderField("tcp.seq", "Sequence Number", .uint32)
    static let seqRaw = HeaderField("tcp.seq_raw", "Sequence Number (raw)", .uint32)
    static let nxtseq = HeaderField("tcp.nxtseq", "Next Sequence Number", .uint32)
    static let ack = HeaderField("tcp.ack", "Acknowledgment Number", .uint32)
    static let ackRaw = HeaderField("tcp.ack_raw", "Acknowledgment number (raw)", .uint32)
    static let hdrLen = HeaderField("tcp.hdr_len", "Header Length", .uint8, mask: 0xF0)
    static let flags = HeaderField("tcp.flags", "Flags", .uint16, .hex, mask: 0x0FFF)
    static let flagRes = HeaderField("tcp.flags.res", "Reserved", .boolean, width: 12, mask: 0xE00, names: .setNotSet)
    static let flagAE = HeaderField("tcp.flags.ae", "Accurate ECN", .boolean, width: 12, mask: 0x100, names: .setNotSet)
    static let flagCWR = HeaderField("tcp.flags.cwr", "Congestion Window Reduced", .boolean, width: 12, mask: 0x080, names: .setNotSet)
    static let flagECE = HeaderField("tcp.flags.ece", "ECN-Echo", .boolean, width: 12, mask: 0x040, names: .setNotSet)
    static let flagURG = HeaderField("tcp.flags.urg", "Urgent", .boolean, width: 12, mask: 0x020, names: .setNotSet)
    static let flagACK = HeaderField("tcp.flags.ack", "Acknowledgment", .boolean, width: 12, mask: 0x010, names: .setNotSet)
    static let flagPSH = HeaderField("tcp.flags.push", "Push", .boolean, width: 12, mask: 0x008, names: .setNotSet)
    static let flagRST = HeaderField("tcp.flags.reset", "Reset", .boolean, width: 12, mask: 0x004, names: .setNotSet)
    static let flagSYN = HeaderField("tcp.flags.syn", "Syn", .boolean, width: 12, mask: 0x002, names: .setNotSet)
    static let flagFIN = HeaderField("tcp.flags.fin", "Fin", .boolean, width: 12, mask: 0x001, names: .setNotSet)
    static let flagStr = HeaderField("tcp.flags.str", "TCP Flags", .string)
    static let windowValue = HeaderField("tcp.window_size_value", "Window", .uint16)
    static let windowSize = HeaderField("tcp.window_size", "Calculated window size", .uint32)
    static let windowScaleFactor = HeaderField("tcp.window_size_scalefactor", "Window size scaling factor", .int32)
    static let checksum = HeaderField("tcp.checksum", "Checksum", .uint16, .hex)
    static let checksumStatus = HeaderField("tcp.checksum.status", "Checksum Status", .uint8, .none, names: .values([2: "Unverified"]))
    static let urgentPointer = HeaderField("tcp.urgent_pointer", "Urgent Pointer", .uint16)
    static let options = HeaderField("tcp.options", "TCP Options", .bytes)
    static let optionKind = HeaderField("tcp.option_kind", "Kind", .uint8, names: .values(optionKindNames))
    static let optionLen = HeaderField("tcp.option_len", "Length", .uint8)
    static let optMSS = HeaderField("tcp.options.mss", "TCP Option - Maximum segment size", .bytes)
    static let optMSSValue = HeaderField("tcp.options.mss_val", "MSS Value", .uint16)
    static let optNOP = HeaderField("tcp.options.nop", "TCP Option - No-Operation (NOP)", .bytes)
    static let optEOL = HeaderField("tcp.options.eol", "TCP Option - End of Option List (EOL)", .bytes)
    static let optSACKPerm = HeaderField("tcp.options.sack_perm", "TCP Option - SACK permitted", .bytes)
    static let optSACK = HeaderField("tcp.options.sack", "TCP Option - SACK", .bytes)
    static let optSACKLeft = HeaderField("tcp.options.sack_le", "left edge", .uint32)
    static let optSACKRight = HeaderField("tcp.options.sack_re", "right edge", .uint32)
    static let optSACKCount = HeaderField("tcp.options.sack.count", "TCP SACK Count", .uint8)
    static let optDSACKLeft = HeaderField("tcp.options.sack.dsack_le", "TCP D-SACK Left Edge", .uint32)
    static let optDSACKRight = HeaderField("tcp.options.sack.dsack_re", "TCP D-SACK Right Edge", .uint32)
    static let optDSACK = HeaderField("tcp.options.sack.dsack", "D-SACK Sequence", .none)
    static let optTimestamp = HeaderField("tcp.options.timestamp", "TCP Option - Timestamps", .bytes)
    static let optTSval = HeaderField("tcp.options.timestamp.tsval", "Timestamp value", .uint32)
    static let optTSecr = HeaderField("tcp.options.timestamp.tsecr", "Timestamp echo reply", .uint32)
    static let optWScale = HeaderField("tcp.options.wscale", "TCP Option - Window scale", .bytes)
    static let optWScaleShift = HeaderField("tcp.options.wscale.shift", "Shift count", .uint8)
    static let optWScaleMultiplier = HeaderField("tcp.options.wscale.multiplier", "Multiplier", .uint16)
    static let optUnknown = HeaderField("tcp.options.unknown", "TCP Option - Unknown", .bytes)
    static let timeRelative = HeaderField("tcp.time_relative", "Time since first frame in this TCP stream", .relativeTime)
    static let timeDelta = HeaderField("tcp.time_delta", "Time since previous frame in this TCP stream", .relativeTime)
    static let analysis = HeaderField("tcp.analysis", "SEQ/ACK analysis", .none)
    static let analysisFlags = HeaderField("tcp.analysis.flags", "TCP Analysis Flags", .none)
    static let acksFrame = HeaderField("tcp.analysis.acks_frame", "This is an ACK to the segment in frame", .frameNumber)
    static let ackRTT = HeaderField("tcp.analysis.ack_rtt", "The RTT to ACK the segment was", .relativeTime)
    static let initialRTT = HeaderField("tcp.analysis.initial_rtt", "iRTT", .relativeTime)
    static let bytesInFlight = HeaderField("tcp.analysis.bytes_in_flight", "Bytes in flight", .uint32)
    static let rto = HeaderField("tcp.analysis.rto", "The RTO for this segment was", .relativeTime)
    static let rtoFrame = HeaderField("tcp.analysis.rto_frame", "RTO based on delta from frame", .frameNumber)
    static let pushBytesSent = HeaderField("tcp.analysis.push_bytes_sent", "Bytes sent since last PSH flag", .uint32)
    static let duplicateAckNum = HeaderField("tcp.analysis.duplicate_ack_num", "Duplicate ACK #", .uint32)
    static let duplicateAckFrame = HeaderField("tcp.analysis.duplicate_ack_frame", "Duplicate to the ACK in frame", .frameNumber)
    static let payload = HeaderField("tcp.payload", "TCP payload", .bytes)
    static let pduSize = HeaderField("tcp.pdu.size", "PDU Size", .uint32)
    static let resetCause = HeaderField("tcp.reset_cause", "Reset cause", .string)
    static let segmentData = HeaderField("tcp.segment_data", "TCP segment data", .bytes)

    /// The analysis flags as Wireshark declares them: each is an expert item in the
    /// `tcp.analysis.flags` subtree.
    static let analysisFlagFields: [(TCPAnalysisFlags, HeaderField, String)] = [
        (.retransmission, HeaderField("tcp.analysis.retransmission", "Retransmission", .none), "This frame is a (suspected) retransmission"),
        (.fastRetransmission, HeaderField("tcp.analysis.fast_retransmission", "Fast retransmission", .none), "This frame is a (suspected) fast retransmission"),
        (.spuriousRetransmission, HeaderField("tcp.analysis.spurious_retransmission", "Spurious retransmission", .none), "This frame is a (suspected) spurious retransmission"),
        (.outOfOrder, HeaderField("tcp.analysis.out_of_order", "Out-of-order", .none), "This frame is a (suspected) out-of-order segment"),
        (.duplicateAck, HeaderField("tcp.analysis.duplicate_ack", "Duplicate ACK", .none), "Duplicate ACK"),
        (.lostSegment, HeaderField("tcp.analysis.lost_segment", "Previous segment not captured", .none), "Previous segment(s) not captured (common at capture start)"),
        (.ackLostSegment, HeaderField("tcp.analysis.ack_lost_segment", "ACKed unseen segment", .none), "ACKed segment that wasn't captured (common at capture start)"),
        (.keepAlive, HeaderField("tcp.analysis.keep_alive", "Keep-alive", .none), "Keep-Alive"),
        (.keepAliveAck, HeaderField("tcp.analysis.keep_alive_ack", "Keep-alive ACK", .none), "ACK to a TCP keep-alive segment"),
        (.zeroWindow, HeaderField("tcp.analysis.zero_window", "Zero window", .none), "TCP Zero Window segment"),
        (.zeroWindowProbe, HeaderField("tcp.analysis.zero_window_probe", "Zero window probe", .none), "TCP Zero Window Probe"),
        (.zeroWindowProbeAck, HeaderField("tcp.analysis.zero_window_probe_ack", "Zero window probe ACK", .none), "ACK to a TCP Zero Window Probe"),
        (.windowUpdate, HeaderField("tcp.analysis.window_update", "Window update", .none), "TCP window update"),
        (.windowFull, HeaderField("tcp.analysis.window_full", "Window full", .none), "TCP window specified by the receiver is now completely full"),
        (.reusedPorts, HeaderField("tcp.analysis.reused_ports", "TCP port numbers reused", .none), "A new tcp session is started with the same ports as an earlier session in this trace"),
    ]

    static let declaration = ProtocolDeclaration("tcp", "Transmission Control Protocol", fields: [
        srcport, dstport, port, stream, completeness, len, seq, seqRaw, nxtseq, ack, ackRaw, hdrLen, flags,
        flagRes, flagAE, flagCWR, flagECE, flagURG, flagACK, flagPSH, flagRST, flagSYN, flagFIN, flagStr,
        windowValue, windowSize, windowScaleFactor, checksum, checksumStatus, urgentPointer, options, optionKind, optionLen,
        optMSS, optMSSValue, optNOP, optEOL, optSACKPerm, optSACK, optSACKLeft, optSACKRight, optSACKCount,
        optDSACKLeft, optDSACKRight, optDSACK,
        optTimestamp, optTSval, optTSecr, optWScale, optWScaleShift, optWScaleMultiplier, optUnknown,
        pduSize, resetCause, timeRelative, timeDelta, analysis, analysisFlags, acksFrame, ackRTT, initialRTT, bytesInFlight, rto, rtoFrame, pushBytesSent,
        duplicateAckNum, duplicateAckFrame, payload, segmentData,
    ] + analysisFlagFields.map(\.1))

    static let optionKindNames: [UInt64: String] = [
        0: "End of Option List", 1: "No-Operation", 2: "Maximum Segment Size", 3: "Window Scale",
        4: "SACK Permitted", 5: "SACK", 8: "Time Stamp Option", 19: "TCP MD5 Signature Option",
        28: "User Timeout", 29: "TCP Authentication Option", 30: "Multipath TCP", 34: "TCP Fast Open Cookie",
        253: "RFC3692-style Experiment 1", 254: "RFC3692-style Experiment 2",
    ]

    /// The flag bits in the order of the subtree, and their names in the `Flags:` summary.
    static let flagLines: [(HeaderField, String)] = [
        (flagAE, "AE"), (flagCWR, "CWR"), (flagECE, "ECE"), (flagURG, "URG"), (flagACK, "ACK"),
        (flagPSH, "PSH"), (flagRST, "RST"), (flagSYN, "SYN"), (flagFIN, "FIN"),
    ]

    /// The segment's header and what the follower said about it. A header quoted in an
    /// ICMP error is shown as tshark shows it: raw numbers, no length, no analysis.
    static func dissect(_ tcp: TCP, _ input: FieldInput, quoted: Bool = false, _ tree: inout TreeBuilder) {
        var a = input.analysis
        if quoted {
            a = FrameAnalysis()
            a.tcpStream = input.analysis.quotedTCPStream
            a.relativeSeq = tcp.sequenceNumber
            a.relativeAck = tcp.flags.contains(.ack) ? tcp.acknowledgmentNumber : 0
            a.windowSize = Int(tcp.window)
            a.windowScaleFactor = tcp.flags.contains(.syn) ? nil : -1
            a.completeness = input.analysis.completeness
            a.streamTimes = input.analysis.streamTimes
            // A quoted FIN is a probe the peer never answered with its own FIN.
            if tcp.flags.contains(.fin) { a.finInitiatesClose = true }
        }
        let o = tcp.offset
        let bytes = tree.bytes
        let end = min(bytes.count, quoted ? o + tcp.headerLength : tcp.payload.upperBound)
        var head = "Transmission Control Protocol, Src Port: \(tcp.sourcePort), Dst Port: \(tcp.destinationPort), Seq: \(a.relativeSeq)"
        if tcp.flags.contains(.ack) { head += ", Ack: \(a.relativeAck)" }
        if !quoted { head += ", Len: \(tcp.segmentLength)" }
        tree.open(declaration, o..<end, label: head)
        tree.add(srcport, o..<o + 2, .uint(UInt64(tcp.sourcePort)))
        tree.add(dstport, o + 2..<o + 4, .uint(UInt64(tcp.destinationPort)))
        tree.add(port, o..<o + 2, .uint(UInt64(tcp.sourcePort)), hidden: true)
        tree.add(port, o + 2..<o + 4, .uint(UInt64(tcp.destinationPort)), hidden: true)
        if quoted { tree.add(seq, o + 4..<o + 8, .uint(UInt64(a.relativeSeq))) }
        if let s = a.tcpStream { tree.add(stream, nil, .uint(UInt64(s)), generated: true) }
        if let c = a.completeness {
            tree.add(completeness, nil, .uint(UInt64(c)), display: TCPCompleteness.describe(c), generated: true)
        }
        if !quoted {
            tree.add(len, nil, .uint(UInt64(tcp.segmentLength)), generated: true)
            tree.add(seq, o + 4..<o + 8, .uint(UInt64(a.relativeSeq)), display: "\(a.relativeSeq)    (relative sequence number)")
            tree.add(seqRaw, o + 4..<o + 8, .uint(UInt64(tcp.sequenceNumber)))
            if a.tcpStream != nil {
                tree.add(nxtseq, nil, .uint(UInt64(a.nextSeq)), display: "\(a.nextSeq)    (relative sequence number)", generated: true)
            }
        }
        let hasAck = tcp.flags.contains(.ack)
        guard o + 20 <= bytes.count else {
            // An ICMP error may quote only the first eight bytes.
            tree.close()
            return
        }
        if !hasAck && tcp.acknowledgmentNumber != 0 {
            // packet-tcp.c shows the raw number and a note: a stack that leaks data there.
            tree.open(ack, o + 8..<o + 12, .uint(UInt64(tcp.acknowledgmentNumber)))
            tree.expert("tcp.ack.nonzero", .note, .protocolGroup, "The acknowledgment number field is nonzero while the ACK flag is not set")
            tree.close()
        } else {
            tree.add(ack, o + 8..<o + 12, .uint(UInt64(a.relativeAck)),
                     display: hasAck ? "\(a.relativeAck)    (relative ack number)" : "\(a.relativeAck)")
        }
        tree.add(ackRaw, o + 8..<o + 12, .uint(UInt64(tcp.acknowledgmentNumber)))
        tree.bits(hdrLen, o + 12..<o + 13, container: UInt64(bytes[o + 12]), value: .uint(UInt64(tcp.headerLength)),
                  display: "\(tcp.headerLength) bytes (\(tcp.headerLength / 4))")
        addFlags(tcp, o, finInitiates: a.finInitiatesClose, &tree)
        tree.add(windowValue, o + 14..<o + 16, .uint(UInt64(tcp.window)))
        if a.tcpStream != nil { tree.add(windowSize, nil, .uint(UInt64(a.windowSize)), generated: true) }
        if let factor = a.windowScaleFactor {
            let text = factor == -1 ? "-1 (unknown)" : factor == -2 ? "-2 (no window scaling used)" : String(factor)
            tree.add(windowScaleFactor, nil, .int(Int64(factor)), display: text, generated: true)
        }
        tree.add(checksum, o + 16..<o + 18, .uint(UInt64(tcp.checksum)), display: "0x\(hex(UInt64(tcp.checksum), digits: 4)) [unverified]")
        tree.add(checksumStatus, nil, .uint(2), generated: true)
        tree.add(urgentPointer, o + 18..<o + 20, .uint(UInt64(tcp.urgentPointer)))
        if tcp.headerLength > 20 { addOptions(tcp, a, &tree) }
        if let times = a.streamTimes, a.tcpStream != nil {
            tree.openText("Timestamps", generated: true)
            tree.add(timeRelative, nil, .relativeTime(times.sinceFirst), generated: true)
            tree.add(timeDelta, nil, .relativeTime(times.sincePrevious), generated: true)
            tree.close()
        }
        // tshark 4.0 opens an empty [SEQ/ACK analysis] under a quoted SYN (nmap -sS and -sT
        // captures), not under the quoted ACK, FIN, NULL or Xmas probes of the other scans.
        addAnalysis(tcp, a, emptyNode: quoted && tcp.flags.contains(.syn), &tree)
        if !quoted && !tcp.payload.isEmpty && tcp.flags.contains(.rst) {
            // tshark shows a RST's data as the reset's cause, as text, and nothing else.
            let cause = tcp.payload.lowerBound..<end
            tree.add(resetCause, cause, .string(HTTPTree.string(tree.bytes, cause)))
        } else if !quoted && !tcp.payload.isEmpty {
            let payloadRange = tcp.payload.lowerBound..<end
            // The length on the wire, as tshark labels it, also when the snaplen cut it.
            let length = max(payloadRange.count, tcp.segmentLength)
            tree.add(payload, payloadRange, .bytes(payloadRange), label: "TCP payload (\(length) byte\(length == 1 ? "" : "s"))")
            let completesPDU = a.http.map { $0.segments.count > 1 && $0.segments.last?.frame == input.frame.number } ?? false
            if a.tcp.flags.marksRetransmittedData {
                // A plain or spurious retransmission is not handed to the protocol above.
                tree.add(segmentData, payloadRange, .bytes(payloadRange),
                         label: "Retransmitted TCP segment data (\(payloadRange.count) byte\(payloadRange.count == 1 ? "" : "s"))")
            } else if a.isPDUSegment || completesPDU {
                tree.add(segmentData, payloadRange, .bytes(payloadRange), label: "TCP segment data (\(payloadRange.count) byte\(payloadRange.count == 1 ? "" : "s"))")
            } else if let records = a.records {
                // TLS records and SSH packets that span segments: this frame's share.
                for r in records.segmentData where !r.isEmpty {
                    tree.add(segmentData, r, .bytes(r), label: "TCP segment data (\(r.count) byte\(r.count == 1 ? "" : "s"))")
                }
            } else if let adus = input.frame.modbusADUs {
                // Modbus/TCP also goes through tcp_dissect_pdus.
                for adu in adus { tree.add(pduSize, adu.offset..<adu.end, .uint(UInt64(adu.end - adu.offset)), generated: true) }
            } else if let dns = input.frame.dns, let declared = dns.lengthPrefix, dns.layerStart + 2 + declared <= end {
                // DNS over TCP goes through tcp_dissect_pdus, which states each whole PDU's size.
                tree.add(pduSize, dns.layerStart..<dns.layerStart + 2 + declared, .uint(UInt64(2 + declared)), generated: true)
            }
        }
        tree.close()
    }

    private static func addFlags(_ tcp: TCP, _ o: Int, finInitiates: Bool?, _ tree: inout TreeBuilder) {
        let raw = UInt64(tcp.flags.rawValue)
        let names = flagLines.reversed().filter { raw & $0.0.mask != 0 }.map(\.1) + (raw & 0xE00 != 0 ? ["Reserved"] : [])
        let container = UInt64(tree.bytes.u16be(o + 12)) & 0x0FFF
        tree.open(flags, o + 12..<o + 14, .uint(raw),
                  label: "Flags: 0x\(hex(raw, digits: 3)) (\(names.isEmpty ? "<None>" : names.joined(separator: ", ")))")
        tree.bits(flagRes, o + 12..<o + 14, container: container)
        let ack = tcp.flags.contains(.ack)
        for (field, _) in flagLines {
            let set = raw & field.mask != 0
            switch field {
            case flagSYN where set:
                tree.bits(field, o + 12..<o + 14, container: container, open: true)
                if ack {
                    tree.expert("tcp.connection.synack", .chat, .sequence, "Connection establish acknowledge (SYN+ACK): server port \(tcp.sourcePort)")
                } else {
                    tree.expert("tcp.connection.syn", .chat, .sequence, "Connection establish request (SYN): server port \(tcp.destinationPort)")
                }
                tree.close()
            case flagFIN where set:
                tree.bits(field, o + 12..<o + 14, container: container, open: true)
                tree.expert("tcp.connection.fin", .chat, .sequence, "Connection finish (FIN)")
                tree.close()
            case flagRST where set:
                tree.bits(field, o + 12..<o + 14, container: container, open: true)
                tree.expert("tcp.connection.rst", .warning, .sequence, "Connection reset (RST)")
                tree.close()
            default:
                tree.bits(field, o + 12..<o + 14, container: container)
            }
        }
        var letters = ""
        for bit in 0..<12 {
            letters += raw & (0x800 >> UInt64(bit)) != 0 ? String(flagLetters[bit]) : "\u{00B7}"
        }
        if let initiates = finInitiates {
            tree.open(flagStr, nil, .string(letters), generated: true)
            if initiates {
                tree.expert("tcp.connection.fin_active", .note, .sequence, "This frame initiates the connection closing")
            } else {
                tree.expert("tcp.connection.fin_passive", .note, .sequence, "This frame undergoes the connection closing")
            }
            tree.close()
        } else {
            tree.add(flagStr, nil, .string(letters), generated: true)
        }
        tree.close()
    }

    private static func addOptions(_ tcp: TCP, _ a: FrameAnalysis, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        let range = tcp.optionsRange.lowerBound..<min(tcp.optionsRange.upperBound, bytes.count)
        var names: [String] = []
        var iterator = tcp.optionIterator(bytes, end: bytes.count)
        while let option = iterator.next() { names.append(optionSummaryName(option.kind)) }
        tree.open(options, range, .bytes(range),
                  label: "Options: (\(tcp.headerLength - 20) bytes)" + (names.isEmpty ? "" : ", " + names.joined(separator: ", ")))
        iterator = tcp.optionIterator(bytes, end: bytes.count)
        // SACK edges are shown relative to the peer's initial sequence number, which the
        // relative and raw ack numbers of this segment give.
        let base = tcp.acknowledgmentNumber &- a.relativeAck
        var decodedEnd = range.lowerBound
        while let option = iterator.next() {
            let r = option.range
            decodedEnd = r.upperBound
            let kind = option.kind
            let hasLength = r.count >= 2
            func kindAndLength() {
                tree.add(optionKind, r.lowerBound..<r.lowerBound + 1, .uint(UInt64(kind)))
                if hasLength { tree.add(optionLen, r.lowerBound + 1..<r.lowerBound + 2, .uint(UInt64(bytes[r.lowerBound + 1]))) }
            }
            switch kind {
            case TCPOptionKind.noOperation:
                tree.open(optNOP, r, .bytes(r), label: "TCP Option - No-Operation (NOP)")
                kindAndLength()
            case TCPOptionKind.endOfList:
                tree.open(optEOL, r, .bytes(r), label: "TCP Option - End of Option List (EOL)")
                kindAndLength()
            case TCPOptionKind.maximumSegmentSize where r.count == 4:
                let mss = UInt64(bytes.u16be(r.lowerBound + 2))
                tree.open(optMSS, r, .bytes(r), label: "TCP Option - Maximum segment size: \(mss) bytes")
                kindAndLength()
                tree.add(optMSSValue, r.lowerBound + 2..<r.upperBound, .uint(mss))
            case TCPOptionKind.sackPermitted:
                tree.open(optSACKPerm, r, .bytes(r), label: "TCP Option - SACK permitted")
                kindAndLength()
            case TCPOptionKind.timestamps where r.count == 10:
                let tsval = UInt64(bytes.u32be(r.lowerBound + 2)), tsecr = UInt64(bytes.u32be(r.lowerBound + 6))
                tree.open(optTimestamp, r, .bytes(r), label: "TCP Option - Timestamps: TSval \(tsval), TSecr \(tsecr)")
                kindAndLength()
                tree.add(optTSval, r.lowerBound + 2..<r.lowerBound + 6, .uint(tsval))
                tree.add(optTSecr, r.lowerBound + 6..<r.upperBound, .uint(tsecr))
            case TCPOptionKind.windowScale where r.count == 3:
                let shift = UInt64(bytes[r.lowerBound + 2])
                let multiplier = UInt64(1) << min(shift, 14)
                tree.open(optWScale, r, .bytes(r), label: "TCP Option - Window scale: \(shift) (multiply by \(multiplier))")
                kindAndLength()
                tree.add(optWScaleShift, r.lowerBound + 2..<r.upperBound, .uint(shift))
                tree.add(optWScaleMultiplier, r.lowerBound + 2..<r.upperBound, .uint(multiplier), generated: true)
            case TCPOptionKind.sack where r.count >= 2 && (r.count - 2) % 8 == 0:
                let count = (r.count - 2) / 8
                var edges: [(UInt32, UInt32)] = []
                for i in 0..<count {
                    let at = r.lowerBound + 2 + i * 8
                    edges.append((bytes.u32be(at) &- base, bytes.u32be(at + 4) &- base))
                }
                tree.open(optSACK, r, .bytes(r), label: "TCP Option - SACK " + edges.map { "\($0.0)-\($0.1)" }.joined(separator: " "))
                kindAndLength()
                for (i, edge) in edges.enumerated() {
                    let at = r.lowerBound + 2 + i * 8
                    tree.add(optSACKLeft, at..<at + 4, .uint(UInt64(edge.0)), label: "left edge = \(edge.0) (relative)")
                    tree.add(optSACKRight, at + 4..<at + 8, .uint(UInt64(edge.1)), label: "right edge = \(edge.1) (relative)")
                }
                tree.add(optSACKCount, nil, .uint(UInt64(count)), label: "[TCP SACK Count: \(count)]")
                if let first = edges.first, isDuplicateSACK(first, second: edges.dropFirst().first, ack: a.relativeAck) {
                    tree.add(optDSACKLeft, nil, .uint(UInt64(first.0)), label: "D-SACK Left Edge = \(first.0) (relative)", generated: true)
                    tree.add(optDSACKRight, nil, .uint(UInt64(first.1)), label: "D-SACK Right Edge = \(first.1) (relative)", generated: true)
                    tree.openText("D-SACK Sequence")
                    tree.expert(optDSACK.name, .warning, .sequence, "D-SACK Sequence")
                    tree.close()
                }
            default:
                tree.open(optUnknown, r, .bytes(r), label: "TCP Option - \(optionKindNames[UInt64(kind)] ?? "Unknown")")
                kindAndLength()
            }
            tree.close()
        }
        addCutOption(at: decodedEnd, tcp, &tree)
        tree.close()
    }

    /// The option the snaplen cut in the middle: tshark shows its kind and length, then
    /// stops (the `[Packet size limited during capture]` line follows).
    private static func addCutOption(at start: Int, _ tcp: TCP, _ tree: inout TreeBuilder) {
        let bytes = tree.bytes
        guard start + 2 <= bytes.count, start < tcp.optionsRange.upperBound,
              start + Int(bytes[start + 1]) > bytes.count else { return }
        let kind = bytes[start]
        let field: HeaderField = switch kind {
        case TCPOptionKind.maximumSegmentSize: optMSS
        case TCPOptionKind.windowScale: optWScale
        case TCPOptionKind.sack: optSACK
        case TCPOptionKind.timestamps: optTimestamp
        default: optUnknown
        }
        let r = start..<bytes.count
        tree.open(field, r, .bytes(r), label: "TCP Option - \(optionSummaryName(kind))")
        tree.add(optionKind, start..<start + 1, .uint(UInt64(kind)))
        tree.add(optionLen, start + 1..<start + 2, .uint(UInt64(bytes[start + 1])))
        tree.close()
    }

    /// RFC 2883's duplicate SACK: the first block reports data already acknowledged (below
    /// the ACK) or lies inside the second block. Edges and ACK are relative, compared in
    /// sequence space (modulo 2^32).
    static func isDuplicateSACK(_ first: (UInt32, UInt32), second: (UInt32, UInt32)?, ack: UInt32) -> Bool {
        func before(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) < 0 }
        if before(first.0, ack) { return true }
        guard let second else { return false }
        return !before(first.0, second.0) && !before(second.1, first.1)
    }

    /// The severity Wireshark gives each analysis flag's expert item.
    static func severity(_ flag: TCPAnalysisFlags) -> ExpertSeverity {
        switch flag {
        case .outOfOrder, .lostSegment, .ackLostSegment, .zeroWindow, .windowFull: .warning
        case .windowUpdate: .chat
        default: .note
        }
    }

    static func optionSummaryName(_ kind: UInt8) -> String {
        switch kind {
        case TCPOptionKind.maximumSegmentSize: "Maximum segment size"
        case TCPOptionKind.sackPermitted: "SACK permitted"
        case TCPOptionKind.timestamps: "Timestamps"
        case TCPOptionKind.noOperation: "No-Operation (NOP)"
        case TCPOptionKind.endOfList: "End of Option List (EOL)"
        case TCPOptionKind.windowScale: "Window scale"
        case TCPOptionKind.sack: "SACK"
        default: optionKindNames[UInt64(kind)] ?? "Unknown"
        }
    }

    /// The names `addAnalysis` adds (its expert items' own fields aside).
    static let analysisFieldNames: Set<String> = Set(
        [analysis, analysisFlags, acksFrame, ackRTT, initialRTT, bytesInFlight, pushBytesSent, rto, rtoFrame,
         duplicateAckNum, duplicateAckFrame].map(\.name) + analysisFlagFields.map(\.1.name))

    /// The SEQ/ACK analysis subtree; for a header of the frame's own (not quoted),
    /// `dissect` calls it with `emptyNode` false and the follower's analysis.
    static func addAnalysis(_ tcp: TCP, _ a: FrameAnalysis, emptyNode: Bool, _ tree: inout TreeBuilder) {
        let t = a.tcp
        // In tshark's order, with the retransmission item after a fast or spurious one.
        let flagged = t.flags.fieldNames.compactMap { name in analysisFlagFields.first { $0.1.name == name } }
        let hasAny = t.ackedFrame != nil || t.ackRTT != nil || t.bytesInFlight != nil
            || t.pushBytesSent != nil || !flagged.isEmpty || emptyNode
        guard a.tcpStream != nil, hasAny else { return }
        tree.open(analysis, nil, .none, label: "SEQ/ACK analysis", generated: true)
        if let frame = t.ackedFrame { tree.add(acksFrame, nil, .uint(UInt64(frame)), generated: true) }
        if let rtt = t.ackRTT { tree.add(ackRTT, nil, .relativeTime(rtt), generated: true) }
        if let rtt = t.initialRTT { tree.add(initialRTT, nil, .relativeTime(rtt), generated: true) }
        if let inFlight = t.bytesInFlight { tree.add(bytesInFlight, nil, .uint(UInt64(inFlight)), generated: true) }
        if let pushed = t.pushBytesSent { tree.add(pushBytesSent, nil, .uint(UInt64(pushed)), generated: true) }
        if !flagged.isEmpty {
            tree.open(analysisFlags, nil, .none, label: "TCP Analysis Flags", generated: true)
            for (flag, field, message) in flagged {
                if flag == .duplicateAck {
                    // The duplicate ACK's expert item hangs under its frame reference instead.
                    tree.add(field, nil, .none, label: "This is a TCP duplicate ack", generated: true)
                } else {
                    tree.expert(field.name, severity(flag), .sequence, message)
                }
                if flag == .retransmission, let time = t.rto, time != 0, let frame = t.rtoFrame {
                    tree.add(rto, nil, .relativeTime(time), generated: true)
                    tree.add(rtoFrame, nil, .uint(UInt64(frame)), generated: true)
                }
            }
            tree.close()
        }
        if let n = t.duplicateAckNumber { tree.add(duplicateAckNum, nil, .uint(UInt64(n)), generated: true) }
        if let f = t.duplicateAckOf {
            tree.open(duplicateAckFrame, nil, .uint(UInt64(f)), generated: true)
            if let n = t.duplicateAckNumber {
                tree.expert("tcp.analysis.duplicate_ack", .note, .sequence, "Duplicate ACK (#\(n))")
            }
            tree.close()
        }
        tree.close()
    }
}

/// `tcp.flags.str`'s letters, from the reserved bits to FIN (tshark 4.0: "A" for AE, once "N" for NS).
let tcpFlagLetters = "RRRACEUAPRSF"
private let flagLetters: [Character] = Array(tcpFlagLetters)
