import Dissect

/// Builds one Ethernet/IPv4/TCP frame (checksums left zero) and hands it, decoded, to `body`.
/// `cutBytes`: payload bytes the IP header counts but the capture lacks (a snaplen cut).
func withTCPSegment<R>(src: UInt32, dst: UInt32, sport: UInt16, dport: UInt16, seq: UInt32, ack: UInt32 = 0,
                       flags: UInt8, payload: [UInt8] = [], time: Int64, number: Int, cutBytes: Int = 0,
                       _ body: (Frame) -> R) -> R {
    var b = [UInt8](repeating: 0, count: 54) + payload
    b[12] = 0x08
    b[14] = 0x45
    let total = 40 + payload.count + cutBytes
    b[16] = UInt8(total >> 8); b[17] = UInt8(total & 0xff)
    b[22] = 64; b[23] = 6
    for i in 0..<4 {
        let shift = 24 - 8 * UInt32(i)
        b[26 + i] = UInt8(truncatingIfNeeded: src >> shift)
        b[30 + i] = UInt8(truncatingIfNeeded: dst >> shift)
        b[38 + i] = UInt8(truncatingIfNeeded: seq >> shift)
        b[42 + i] = UInt8(truncatingIfNeeded: ack >> shift)
    }
    b[34] = UInt8(sport >> 8); b[35] = UInt8(sport & 0xff)
    b[36] = UInt8(dport >> 8); b[37] = UInt8(dport & 0xff)
    b[46] = 0x50; b[47] = flags
    b[48] = 0xff; b[49] = 0xff
    return b.withUnsafeBytes { raw in
        let rawFrame = RawFrame(bytes: ByteView(raw), timestamp: Timestamp(seconds: time, nanoseconds: 0),
                                originalLength: b.count + cutBytes, linkType: .ethernet)
        return body(FrameDecoder.decode(rawFrame, number: number))
    }
}
