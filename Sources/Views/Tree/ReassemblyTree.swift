import Dissect
import Follow

/// `[2 Reassembled TCP Segments (316 bytes): #8(144), #10(172)]`: the frames a PDU was
/// put together from, shown on the frame that completed it, as a new data source.
enum ReassemblyTree {
    static let segments = HeaderField("tcp.segments", "Reassembled TCP Segments", .none)
    static let segment = HeaderField("tcp.segment", "TCP Segment", .frameNumber)
    static let count = HeaderField("tcp.segment.count", "Segment count", .uint32)
    static let length = HeaderField("tcp.reassembled.length", "Reassembled TCP length", .uint32)
    static let data = HeaderField("tcp.reassembled.data", "Reassembled TCP Data", .bytes)
    static let declaration = ProtocolDeclaration("tcp.segments", "Reassembled TCP Segments", fields: [
        segments, segment, count, length, data,
    ])

    /// Adds the segment list; `pdu` is the reassembled data source (already added).
    static func dissect(_ m: HTTPMessage, pdu: ByteView, _ tree: inout TreeBuilder) {
        let listed = m.segments.map { "#\($0.frame)(\($0.length))" }.joined(separator: ", ")
        tree.open(segments, nil, .none, label: "\(m.segments.count + m.segmentsNotListed) Reassembled TCP Segments (\(m.pduLength) bytes): \(listed)",
                  generated: true)
        var offset = 0
        for s in m.segments {
            tree.add(segment, nil, .uint(UInt64(s.frame)),
                     label: "Frame: \(s.frame), payload: \(offset)-\(offset + s.length - 1) (\(s.length) bytes)", generated: true)
            offset += s.length
        }
        tree.add(count, nil, .uint(UInt64(m.segments.count + m.segmentsNotListed)), generated: true)
        tree.add(length, nil, .uint(UInt64(m.pduLength)), generated: true)
        var data = TreeBuilder(bytes: pdu, source: tree.sources.count)
        data.add(self.data, 0..<pdu.count, .bytes(0..<pdu.count), generated: true)
        tree.graft(data.details.roots)
        tree.close()
    }
}
