import Dissect

/// What packet-eap.c remembers of one 802.1X exchange: the last request and response
/// identifiers. A Request/Identity starts a new exchange.
struct EAPExchange {
    var lastRequestID: Int16 = -1
    var lastResponseID: Int16 = -1
}

struct EAPPeers: Hashable {
    var low: UInt64
    var high: UInt64
}

extension Follower {
    /// Flags an EAP request (or Initiate) that repeats the previous request's identifier,
    /// and a response (or Finish) that repeats the previous response's, between the same
    /// two stations, as Wireshark's "This packet is a retransmission".
    func trackEAP(_ frame: Frame, into analysis: inout FrameAnalysis) {
        guard let eth = frame.ethernet else { return }
        let start = eth.offset + Ethernet.headerLength + 4 * frame.vlans.count
        let bytes = frame.bytes
        guard let eapol = EAPOL.decode(bytes, at: start, end: bytes.count).layer, eapol.type == 0 else { return }
        let eap = eapol.body
        guard eap.count >= 2 else { return }
        let code = bytes[eap.lowerBound], id = Int16(bytes[eap.lowerBound + 1])
        let a = eth.source.rawValue, b = eth.destination.rawValue
        let key = EAPPeers(low: min(a, b), high: max(a, b))
        // The type is read from the captured frame, past the declared EAP length if need be.
        let startsExchange = code == 1 && eap.lowerBound + 4 < bytes.count && bytes[eap.lowerBound + 4] == 1
        if eapExchanges[key] == nil, eapExchanges.count >= 65_536 { eapExchanges.removeAll() }
        var state = startsExchange ? EAPExchange() : eapExchanges[key] ?? EAPExchange()
        switch code {
        case 1, 5:
            analysis.eapRetransmission = state.lastRequestID == id
            state.lastRequestID = id
        case 2, 6:
            analysis.eapRetransmission = state.lastResponseID == id
            state.lastResponseID = id
        default:
            break
        }
        eapExchanges[key] = state
    }
}
