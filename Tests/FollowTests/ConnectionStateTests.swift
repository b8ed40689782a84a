import Testing
import Dissect
@testable import Follow

/// One segment of a test conversation, from the caller's point of view.
struct Seg: CustomStringConvertible, Sendable {
    var fromOrig: Bool
    var flags: TCPFlags
    var seq: UInt32
    var ack: UInt32
    var len: Int = 0
    var window: UInt16 = 1024
    var checksumValid: Bool? = nil

    var description: String { "\(fromOrig ? ">" : "<")\(flags.rawValue) \(seq)/\(ack) len \(len)" }
}

private func flags(_ s: String) -> TCPFlags {
    var f = TCPFlags()
    for c in s {
        switch c {
        case "S": f.insert(.syn)
        case "A": f.insert(.ack)
        case "F": f.insert(.fin)
        case "R": f.insert(.rst)
        case "P": f.insert(.psh)
        case "U": f.insert(.urg)
        default: Issue.record("bad flag \(c)")
        }
    }
    return f
}

/// From the originator (as the caller sees it when the segment is passed).
private func o(_ f: String, _ seq: UInt32, _ ack: UInt32 = 0, len: Int = 0, win: UInt16 = 1024, chk: Bool? = nil) -> Seg {
    Seg(fromOrig: true, flags: flags(f), seq: seq, ack: ack, len: len, window: win, checksumValid: chk)
}

/// From the responder.
private func r(_ f: String, _ seq: UInt32, _ ack: UInt32 = 0, len: Int = 0, win: UInt16 = 1024, chk: Bool? = nil) -> Seg {
    Seg(fromOrig: false, flags: flags(f), seq: seq, ack: ack, len: len, window: win, checksumValid: chk)
}

/// Runs a conversation. `fromOrig` is relative to the caller's current view; the helper swaps its
/// view whenever `flipped` changes, as a caller would.
private func run(_ segs: [Seg], ports: (UInt16, UInt16)? = nil) -> ConnectionState {
    var cs = ConnectionState(transport: .tcp, originatorPort: ports?.0, responderPort: ports?.1)
    for s in segs {
        // Segments are written from the initial view; translate to the current one.
        let isOrig = s.fromOrig != cs.flipped
        cs.observeTCP(isOriginator: isOrig, flags: s.flags, seq: s.seq, ack: s.ack,
                      payloadLength: s.len, window: s.window, checksumValid: s.checksumValid)
    }
    return cs
}

// Client ISN 1000, server ISN 5000; client port 40000, server port 80 where ports matter.
struct StateRow: CustomTestStringConvertible, Sendable {
    let name: String
    let segs: [Seg]
    let ports: (UInt16, UInt16)?
    let state: ConnState
    let history: String
    var testDescription: String { name }
}


private let handshake = [o("S", 1000), r("SA", 5000, 1001), o("A", 1001, 5001)]

let stateRows: [StateRow] = [
    StateRow(name: "S0: SYN only (nmap -sS, filtered port)", segs: [o("S", 1000)], ports: nil,
             state: .S0, history: "S"),
    StateRow(name: "S1: established, not closed", segs: handshake + [
        o("PA", 1001, 5001, len: 10), r("A", 5001, 1011)], ports: nil, state: .S1, history: "ShADa"),
    StateRow(name: "SF: normal establishment and termination", segs: handshake + [
        o("PA", 1001, 5001, len: 5), r("PA", 5001, 1006, len: 7),
        o("FA", 1006, 5008), r("FA", 5008, 1007), o("A", 1007, 5009)], ports: nil, state: .SF, history: "ShADdFf"),
    StateRow(name: "REJ: SYN answered by RST-ACK (nmap -sS, closed port)",
             segs: [o("S", 1000), r("RA", 0, 1001, win: 0)], ports: nil, state: .REJ, history: "Sr"),
    StateRow(name: "S2: originator closes, no reply", segs: handshake + [o("FA", 1001, 5001)], ports: nil,
             state: .S2, history: "ShAF"),
    StateRow(name: "S3: responder closes, no reply", segs: handshake + [r("FA", 5001, 1001)], ports: nil,
             state: .S3, history: "ShAf"),
    StateRow(name: "RSTO: SYN, SYN-ACK, RST from originator (nmap -sS, open port)",
             segs: [o("S", 1000), r("SA", 5000, 1001), o("R", 1001, win: 0)], ports: nil, state: .RSTO, history: "ShR"),
    StateRow(name: "RSTR: responder resets an established connection",
             segs: handshake + [r("RA", 5001, 1001)], ports: nil, state: .RSTR, history: "ShAr"),
    StateRow(name: "RSTOS0: SYN then RST from originator, no SYN-ACK",
             segs: [o("S", 1000), o("R", 1001)], ports: nil, state: .RSTOS0, history: "SR"),
    StateRow(name: "RSTRH: SYN-ACK then RST from the responder, no SYN (port flip)",
             segs: [r("SA", 5000, 1001), r("R", 5001)], ports: (40000, 80), state: .RSTRH, history: "^hr"),
    StateRow(name: "SH: SYN then FIN from originator", segs: [o("S", 1000), o("F", 1001)], ports: nil,
             state: .SH, history: "SF"),
    StateRow(name: "SHR: SYN-ACK then FIN from the responder, no SYN (port flip)",
             segs: [r("SA", 5000, 1001), r("FA", 5001, 1001)], ports: (40000, 80), state: .SHR, history: "^hf"),
    StateRow(name: "OTH: midstream traffic", segs: [o("PA", 1000, 5000, len: 10), r("PA", 5000, 1010, len: 20)],
             ports: (40000, 80), state: .OTH, history: "Dd"),
]

@Suite struct ConnectionStateTests {
    @Test(arguments: stateRows)
    func everyState(row: StateRow) {
        let cs = run(row.segs, ports: row.ports)
        #expect(cs.state == row.state, "\(row.name)")
        #expect(cs.history == row.history, "\(row.name)")
    }

    @Test func tableCoversEveryState() {
        #expect(Set(stateRows.map(\.state)) == Set(ConnState.allCases))
    }

    // MARK: Scans

    @Test func nmapStealthProbes() {
        // Xmas (FIN+PSH+URG) and FIN probes to a closed port: the FIN counts as F; RST-ACK back.
        for probe in ["FPU", "F"] {
            let closed = run([o(probe, 1000), r("RA", 0, 1001, win: 0)], ports: (40000, 80))
            #expect(closed.history == "Fr")
            #expect(closed.state == .RSTR)
            let open = run([o(probe, 1000)], ports: (40000, 80))
            #expect(open.history == "F")
            #expect(open.state == .SH)
        }
        // NULL probe: no flags, no payload, no letter; the originator goes PARTIAL.
        let nullClosed = run([o("", 1000), r("RA", 0, 1000, win: 0)], ports: (40000, 80))
        #expect(nullClosed.history == "r")
        #expect(nullClosed.state == .RSTRH)
        let nullOpen = run([o("", 1000)], ports: (40000, 80))
        #expect(nullOpen.history == "")
        #expect(nullOpen.state == .OTH)
        // ACK probe (nmap -sA) answered by a bare RST.
        let ackScan = run([o("A", 1000, 777), r("R", 777, win: 0)], ports: (40000, 80))
        #expect(ackScan.history == "Ar")
        #expect(ackScan.state == .RSTRH)
    }

    @Test func repeatedScanPacketsWithSameSequenceAreLoggedOnce() {
        // As in Zeek baselines of scans: two SYNs, two RSTs, history "Sr".
        let cs = run([o("S", 1000), r("RA", 0, 1001), o("S", 1000), r("RA", 0, 1001)])
        #expect(cs.history == "Sr")
        #expect(cs.state == .REJ)
    }

    @Test func multiFlagAndInconsistentPackets() {
        let synFin = run([o("SF", 1000)])
        #expect(synFin.history == "Q")
        #expect(synFin.state == .SH)
        let synRst = run([o("SR", 1000)])
        #expect(synRst.history == "Q")
        let finRst = run(handshake + [o("FRA", 1001, 5001), o("FRA", 1001, 5001)])
        #expect(finRst.history == "ShAI")
        #expect(finRst.state == .RSTO)
    }

    // MARK: Flips

    @Test func portHeuristicFlipsAFirstSynAck() {
        // Zeek baseline core.tcp.missing-syn: "^hADdFaf", SF.
        let cs = run([r("SA", 5000, 1001), o("A", 1001, 5001), o("PA", 1001, 5001, len: 98),
                      r("PA", 5001, 1099, len: 200), o("FA", 1099, 5201), r("A", 5201, 1100),
                      r("FA", 5201, 1100), o("A", 1100, 5202)], ports: (56730, 80))
        #expect(cs.history == "^hADdFaf")
        #expect(cs.state == .SF)
        #expect(cs.originatorBytes == 98)
        #expect(cs.responderBytes == 200)
        // The caller passed the SYN-ACK as coming from its responder, which Zeek also ends up
        // calling the responder: net, no swap.
        #expect(cs.flipped == false)
    }

    @Test func firstPacketFromCallersResponderMakesItTheOriginator() {
        // Without ports Zeek keeps the first sender as originator: a SYN-ACK scan reply.
        let cs = run([r("SA", 5000, 1001), r("R", 5001)])
        #expect(cs.flipped == true)
        #expect(cs.history == "HR")
        #expect(cs.state == .OTH)
    }

    @Test func midstreamFlipByServerPort() {
        var cs = ConnectionState(transport: .tcp, originatorPort: 80, responderPort: 40000)
        cs.observeTCP(isOriginator: true, flags: [.psh, .ack], seq: 5000, ack: 1000, payloadLength: 10, window: 1024, checksumValid: nil)
        #expect(cs.flipped)
        #expect(cs.history == "^d")
        #expect(cs.responderState == .partial)
    }

    @Test func bothLikelyServerPortsFlipOnlyNonSynTowardHigherPort() {
        var a = ConnectionState(transport: .tcp, originatorPort: 80, responderPort: 443)
        a.observeTCP(isOriginator: true, flags: [.ack], seq: 1, ack: 1, payloadLength: 0, window: 1, checksumValid: nil)
        #expect(a.flipped)       // 80 < 443, not a SYN
        var b = ConnectionState(transport: .tcp, originatorPort: 80, responderPort: 443)
        b.observeTCP(isOriginator: true, flags: [.syn, .ack], seq: 1, ack: 1, payloadLength: 0, window: 1, checksumValid: nil)
        #expect(!b.flipped)      // SYN-ACK: stealth-scan caution
        var c = ConnectionState(transport: .tcp, originatorPort: 40000, responderPort: 80)
        c.observeTCP(isOriginator: true, flags: [.syn], seq: 1, ack: 0, payloadLength: 0, window: 1, checksumValid: nil)
        #expect(!c.flipped)
    }

    @Test func synSynAckReversalFlips() {
        // TCPSessionAdapter::UpdateInactiveState: the SYN-ACK was seen before the SYN.
        let cs = run([o("SA", 5000, 1001), r("S", 1000), r("A", 1001, 5001)])
        #expect(cs.history == "Hs^A")
        #expect(cs.flipped)
        #expect(cs.state == .S1)
    }

    // MARK: Scaled letters

    @Test func retransmissionsAreLoggedAt1_10_100() {
        func retransmits(_ n: Int) -> String {
            var segs = handshake + [o("PA", 1001, 5001, len: 10)]
            segs += Array(repeating: o("PA", 1001, 5001, len: 10), count: n)
            return run(segs).history
        }
        #expect(retransmits(1) == "ShADT")
        #expect(retransmits(9) == "ShADT")
        #expect(retransmits(10) == "ShADTT")
        #expect(retransmits(99) == "ShADTT")
        #expect(retransmits(100) == "ShADTTT")
        let resp = run(handshake + [r("PA", 5001, 1001, len: 4), r("PA", 5001, 1001, len: 4)])
        #expect(resp.history == "ShAdt")
    }

    @Test func zeroWindows() {
        #expect(run(handshake + [r("A", 5001, 1001, win: 0)]).history == "ShAaw")
        let ten = handshake + Array(repeating: r("A", 5001, 1001, win: 0), count: 10)
        #expect(run(ten).history == "ShAaww")
        // Zero windows on RSTs are not counted (scanner RSTs carry window 0).
        #expect(run([o("S", 1000), r("RA", 0, 1001, win: 0)]).history == "Sr")
        // Nor after the peer's FIN.
        #expect(run(handshake + [o("FA", 1001, 5001), r("A", 5001, 1002, win: 0)]).history == "ShAFa")
    }

    @Test func badChecksums() {
        let one = run([o("S", 1000, chk: false)])
        #expect(one.history == "C")
        #expect(one.state == .OTH) // the segment is otherwise ignored
        let then = run([o("S", 1000, chk: false), o("S", 1000), r("SA", 5000, 1001, chk: false)])
        #expect(then.history == "CSc")
        #expect(then.state == .S0)
        let many = run(Array(repeating: o("S", 1000, chk: false), count: 10))
        #expect(many.history == "CC")
    }

    @Test func repeatedControlPacketsAtNewSequenceNumbers() {
        // A second SYN after a RST, at another sequence number, is logged again.
        let cs = run([o("S", 1000), o("R", 1001), o("S", 3000)])
        #expect(cs.history == "SRS")
        #expect(cs.state == .RSTOS0)
        // A FIN retransmission at the same place is logged once; at a new place again.
        #expect(run(handshake + [o("FA", 1001, 5001), o("FA", 1001, 5001)]).history == "ShAF")
        #expect(run(handshake + [o("FA", 1001, 5001), o("FA", 1001, 5001, len: 10)]).history == "ShAFF")
    }

    // MARK: Gaps and sizes

    @Test func contentGapSeenThroughAck() {
        let cs = run(handshake + [o("PA", 1001, 5001, len: 10), o("PA", 1021, 5001, len: 10), r("A", 5001, 1031)])
        #expect(cs.history == "ShADaG")
        #expect(cs.missedBytes == 10)
        #expect(cs.state == .S1)
    }

    @Test func noGapForPartialConnections() {
        let cs = run([o("PA", 1000, 5000, len: 10), r("A", 5000, 1030)], ports: (40000, 80))
        #expect(cs.history == "Da")
        #expect(cs.missedBytes == 0)
    }

    @Test func sizesFromSequenceNumbers() {
        let sf = run(handshake + [o("PA", 1001, 5001, len: 5), r("PA", 5001, 1006, len: 7),
                                  o("FA", 1006, 5008), r("FA", 5008, 1007), o("A", 1007, 5009)])
        #expect(sf.originatorBytes == 5)
        #expect(sf.responderBytes == 7)
        let rstos0 = run([o("S", 1000), o("R", 1001)])
        #expect(rstos0.originatorBytes == 0)
        #expect(rstos0.responderBytes == 0)
    }

    @Test func rstos0Pattern() {
        #expect(ConnectionState.matchesRSTOS0("SR"))
        #expect(ConnectionState.matchesRSTOS0("^SR"))
        #expect(ConnectionState.matchesRSTOS0("ScTR"))
        // Case-sensitive, as in Zeek: a responder's 'h' does not stop the match (conn_state only
        // consults the pattern when the responder is inactive or partial).
        #expect(ConnectionState.matchesRSTOS0("ShR"))
        #expect(!ConnectionState.matchesRSTOS0("SHR"))
        #expect(!ConnectionState.matchesRSTOS0("SAR"))
        #expect(!ConnectionState.matchesRSTOS0("R"))
    }

    // MARK: UDP

    @Test func udpStates() {
        var s0 = ConnectionState(transport: .udp)
        s0.observeUDP(isOriginator: true, payloadLength: 30)
        #expect(s0.state == .S0)
        #expect(s0.history == "D")

        var sf = ConnectionState(transport: .udp, originatorPort: 40000, responderPort: 53)
        sf.observeUDP(isOriginator: true, payloadLength: 30)
        sf.observeUDP(isOriginator: false, payloadLength: 90)
        sf.observeUDP(isOriginator: true, payloadLength: 30)
        #expect(sf.state == .SF)
        #expect(sf.history == "Dd")
        #expect(sf.originatorBytes == 60)
        #expect(sf.responderBytes == 90)

        // Only the reply seen, from a likely server port: flipped, SHR, "^d".
        var shr = ConnectionState(transport: .udp, originatorPort: 53, responderPort: 40000)
        shr.observeUDP(isOriginator: true, payloadLength: 90)
        #expect(shr.flipped)
        #expect(shr.state == .SHR)
        #expect(shr.history == "^d")
        shr.observeUDP(isOriginator: true, payloadLength: 30) // caller swapped: now from 40000
        #expect(shr.state == .SF)
        #expect(shr.history == "^dD")

        var oth = ConnectionState(transport: .udp)
        oth.observeUDP(isOriginator: true, payloadLength: 30, checksumValid: false)
        #expect(oth.state == .OTH)
        #expect(oth.history == "C")
    }
}
