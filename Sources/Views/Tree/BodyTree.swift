import Dissect

/// The protocols Wireshark puts after HTTP for a body: text as lines, anything else as
/// a media type.
enum BodyTree {
    static let line = HeaderField("data-text-lines", "Line-based text data", .protocolNode)
    static let mediaType = HeaderField("media.type", "Media type", .string)
    static let textDeclaration = ProtocolDeclaration("data-text-lines", "Line-based text data", fields: [])
    static let mediaDeclaration = ProtocolDeclaration("media", "Media Type", fields: [mediaType])

    static func dissect(_ body: HTTPBody, _ tree: inout TreeBuilder) {
        let type = body.contentType ?? ""
        if type.lowercased().hasPrefix("text/") {
            // Lines end at LF; the last may have none.
            var lines: [(String, Range<Int>?)] = []
            var start = 0
            for (i, b) in body.data.enumerated() where b == 10 {
                lines.append((text(body.data[start...i]), body.range.map { $0.lowerBound + start..<$0.lowerBound + i + 1 }))
                start = i + 1
            }
            if start < body.data.count {
                lines.append((text(body.data[start...]), body.range.map { $0.lowerBound + start..<$0.upperBound }))
            }
            tree.open(textDeclaration, body.range, label: "Line-based text data: \(type) (\(lines.count) lines)")
            for (text, range) in lines { tree.text(text, range: range) }
            tree.close()
        } else {
            tree.open(mediaDeclaration, body.range, label: "Media Type")
            tree.add(mediaType, body.range, .string(type), label: "Media type: \(type) (\(body.data.count) bytes)")
            tree.close()
        }
    }

    /// A line as Wireshark shows it: control characters as escapes (`\n`, `\r`, `\t`).
    static func text(_ bytes: ArraySlice<UInt8>) -> String {
        var s = ""
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            switch scalar {
            case "\n": s += "\\n"
            case "\r": s += "\\r"
            case "\t": s += "\\t"
            default: s.unicodeScalars.append(scalar)
            }
        }
        return s
    }
}
