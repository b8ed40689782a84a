extension Frame {
    /// The payload of the innermost IP header as the transport decoder saw it: the
    /// reassembled datagram on a frame that completed one, and the length the header
    /// declares (which a snaplen may have cut). For the protocols carried straight in IP
    /// that have no slot of their own (IGMP, ESP, VRRP): views read them again from here.
    public var ipPayload: (range: Range<Int>, declaredLength: Int)? {
        if let done = reassembled { return (done.payload, done.payload.count) }
        if let ip = ipv4 {
            let declared = ip.totalLength == 0 ? ip.payload.count : Swift.max(ip.totalLength - ip.headerLength, 0)
            return (ip.payload, declared)
        }
        if let ip = ipv6 {
            let declared = ip.payloadLength == 0 ? ip.payload.count : Swift.max(ip.payloadLength - (ip.payload.lowerBound - ip.offset - 40), 0)
            return (ip.payload, declared)
        }
        return nil
    }
}
