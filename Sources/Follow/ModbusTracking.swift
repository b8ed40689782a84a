import Dissect

/// A Modbus/TCP response's request, as packet-mbtcp.c pairs them within a conversation:
/// the latest earlier query of the same transaction, unit and function code. Its
/// reference number and count say which register or coil the response's first value is.
public struct ModbusRequestMatch: Sendable, Equatable {
    public var frame: Int
    /// Nanoseconds since the request (`modbus.response_time`).
    public var sinceRequest: Int64
    public var reference: UInt16
    public var count: UInt16
    public init(frame: Int, sinceRequest: Int64, reference: UInt16, count: UInt16) {
        self.frame = frame
        self.sinceRequest = sinceRequest
        self.reference = reference
        self.count = count
    }
}

struct ModbusRequestKey: Hashable {
    var stream: Int
    var transaction: UInt16
    var unit: UInt8
    var function: UInt8
}

extension Follower {
    /// Remembers each query on port 502 and pairs each response with its query, one per
    /// ADU of the segment. Read from the payload's bytes, as the DNS pairing is, so that
    /// it works on frames decoded to the transport layer only.
    func trackModbus(_ segment: TCP, frame: Frame, into analysis: inout FrameAnalysis) {
        let toServer = segment.destinationPort == ModbusADU.port && segment.sourcePort != ModbusADU.port
        let fromServer = segment.sourcePort == ModbusADU.port && segment.destinationPort != ModbusADU.port
        guard toServer || fromServer, let stream = analysis.tcpStream, !analysis.tcp.flags.hidesPayload else { return }
        let bytes = frame.bytes
        let payload = segment.payload.clamped(to: 0..<bytes.count)
        guard ModbusADU.looksLikeADU(bytes, at: payload.lowerBound, end: payload.upperBound) else { return }
        let adus = ModbusADU.split(bytes, payload: payload)
        guard !adus.isEmpty else { return }
        var matches: [ModbusRequestMatch?] = []
        for adu in adus {
            let key = ModbusRequestKey(stream: stream, transaction: adu.transactionID, unit: adu.unitID, function: adu.functionCode)
            let pdu = adu.pdu
            if toServer {
                // Bounded like the DNS and echo tables.
                if modbusRequests[key] == nil, modbusRequests.count >= 65_536 { modbusRequests.removeAll() }
                let reference = pdu.count >= 3 ? bytes.u16be(pdu.lowerBound + 1) : 0
                let count = pdu.count >= 5 ? bytes.u16be(pdu.lowerBound + 3) : 0
                modbusRequests[key] = (frame.number, frame.raw.timestamp, reference, count)
                matches.append(nil)
            } else if let request = modbusRequests[key] {
                matches.append(ModbusRequestMatch(frame: request.frame, sinceRequest: frame.raw.timestamp.nanoseconds(since: request.time),
                                                  reference: request.reference, count: request.count))
            } else {
                matches.append(nil)
            }
        }
        if fromServer { analysis.modbusRequests = matches }
    }
}
