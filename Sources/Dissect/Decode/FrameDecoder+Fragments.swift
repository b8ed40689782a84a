/// IP fragments: each is handed to the frame's reassembler; the one that completes the
/// datagram has its upper layers decoded over the reassembled bytes (see
/// ``Frame/reassembled``). Without a reassembler, or for a fragment cut short by the
/// snaplen, the payload is data, as before.
extension FrameDecoder {
    static func decodeFragment(_ frame: Frame, _ ip: IPv4) {
        guard let sink = frame.fragmentSink, ip.totalLength > 0,
              ip.payload.upperBound - ip.offset == ip.totalLength else { return appendData(frame, ip.payload) }
        let done = sink.add(source: IPv6Address(high: 0, low: UInt64(ip.source.rawValue)),
                            destination: IPv6Address(high: 0, low: UInt64(ip.destination.rawValue)),
                            identification: UInt32(ip.identification), proto: ip.protocolNumber, v6: false,
                            offset: ip.fragmentOffset, more: ip.moreFragments, data: frame.bytes.slice(ip.payload),
                            frame: frame.number, time: frame.raw.timestamp)
        guard let done else { return appendData(frame, ip.payload) }
        let payload = frame.useReassembled(prefixLength: ip.payload.lowerBound, payload: done.payload, fragments: done.fragments)
        decodeTransport(frame, ip.protocolNumber, payload: payload, declaredLength: payload.count)
    }

    static func decodeFragment(_ frame: Frame, _ ip: IPv6) {
        guard let sink = frame.fragmentSink, let fragment = ip.fragment, ip.payloadLength > 0,
              ip.payload.upperBound - ip.offset == ip.payloadLength + 40 else { return appendData(frame, ip.payload) }
        let done = sink.add(source: ip.source, destination: ip.destination, identification: fragment.identification,
                            proto: 0, v6: true, offset: fragment.offset, more: fragment.moreFragments,
                            data: frame.bytes.slice(ip.payload), frame: frame.number, time: frame.raw.timestamp)
        guard let done else { return appendData(frame, ip.payload) }
        let payload = frame.useReassembled(prefixLength: ip.payload.lowerBound, payload: done.payload, fragments: done.fragments)
        decodeTransport(frame, ip.upperLayerProtocol, payload: payload, declaredLength: payload.count)
    }
}
