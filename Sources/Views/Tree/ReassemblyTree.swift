import Dissect
import Follow

/// `[2 Reassembled TCP Segments (316 bytes): #8(144), #10(172)]`: the frames a PDU was
/// put together from, shown on the frame that completed it. The PDU's bytes become a data
/// source of their own (Wireshark's "Reassembled TCP" tab), and what is dissected over
/// them points into that source.
enum ReassemblyTree {
    static let segments = HeaderField("tcp.segments", "Reassembled TCP Segments", .none)
    static let segment = HeaderField("tcp.segment", "TCP Segment", .frameNumber)
    static let count = HeaderField("tcp.segment.count", "Segment count", .uint32)
    static let length = HeaderField("tcp.reassembled.length", "Reassembled TCP length", .uint32)
    static let data = HeaderField("tcp.reassembled.data", "Reassembled TCP Data", .bytes)
    static let declaration = ProtocolDeclaration("tcp.segments", "Reassembled TCP Segments", fields: [
        segments, segment, count, length, data,
    ])

    /// Registers `bytes` as a data source of `tree` and returns a builder over them that
    /// already holds the segment list; the caller adds the PDU's protocol to it and grafts
    /// its nodes back into `tree`. Frames past those listed are counted in `unlisted`.
    static func builder(for bytes: ByteView, frames: [(frame: Int, bytes: Int)], unlisted: Int = 0,
                        _ tree: inout TreeBuilder) -> TreeBuilder {
        var copy: [UInt8] = []
        bytes.withUnsafeBytes { copy.append(contentsOf: $0) }
        let source = tree.addSource(DataSource(name: "Reassembled TCP (\(bytes.count) bytes)", bytes: copy))
        var sub = TreeBuilder(bytes: bytes, source: source)
        let listed = frames.map { "#\($0.frame)(\($0.bytes))" }.joined(separator: ", ")
        let total = frames.reduce(0) { $0 + $1.bytes }
        sub.open(segments, nil, .none, label: "\(frames.count + unlisted) Reassembled TCP Segments (\(max(total, bytes.count)) bytes): \(listed)",
                 generated: true)
        var offset = 0
        for f in frames {
            sub.add(segment, nil, .uint(UInt64(f.frame)),
                    label: "Frame: \(f.frame), payload: \(offset)-\(offset + f.bytes - 1) (\(f.bytes) bytes)", generated: true)
            offset += f.bytes
        }
        sub.add(count, nil, .uint(UInt64(frames.count + unlisted)), generated: true)
        sub.add(length, nil, .uint(UInt64(max(total, bytes.count))), generated: true)
        sub.add(data, 0..<bytes.count, .bytes(0..<bytes.count), generated: true)
        sub.close()
        return sub
    }
}
