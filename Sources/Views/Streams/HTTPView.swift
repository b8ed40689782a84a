import Dissect
import Follow

/// `http`: the HTTP/1.x transactions on the reassembled streams, one line each.
public struct HTTPView {
    /// The host/URI column takes what the terminal width leaves.
    public var width: Int

    public init(width: Int = 80) {
        self.width = width
    }

    var targetWidth: Int { max(16, width - 57) }

    public func writeHeader(to out: OutputBuffer) {
        out.string(pad("stream", 6, right: true) + " " + pad("frames", 9) + " " + pad("method", 7) + " "
            + pad("host / uri", targetWidth) + " " + pad("code", 4) + " " + pad("type", 16) + " " + pad("body", 9, right: true) + "\n")
    }

    public func write(_ t: HTTPTransaction, to out: OutputBuffer) {
        var line = pad(String(t.stream), 6, right: true) + " "
        let first = t.request?.firstFrame ?? t.response?.firstFrame ?? 0
        let last = t.response?.lastFrame ?? t.request?.lastFrame ?? 0
        line += pad("\(first)-\(last)", 9) + " "
        // The packet's text is escaped before it is cut: the cut's "…" is not packet text.
        let safe = OutputBuffer.escapedText
        line += pad(truncate(safe(t.request?.method ?? "-"), 7), 7) + " "
        let target = (t.request?.host ?? "") + (t.request?.uri ?? "(no request)")
        line += pad(truncate(safe(target), targetWidth), targetWidth) + " "
        line += pad(t.response?.statusCode.map(String.init) ?? "-", 4) + " "
        line += pad(truncate(safe(t.response?.contentType ?? "-"), 16), 16) + " "
        line += pad(t.response.map { String($0.bodyLength) } ?? "-", 9, right: true)
        out.string(line)
        out.byte(10)
    }

    /// A safe file name for an exported body: the URI's last path component with every
    /// character outside [A-Za-z0-9._-] replaced, never empty, never `.` or `..`, prefixed
    /// with the stream and index so names never collide.
    public static func exportName(for t: HTTPTransaction, index: Int) -> String {
        var base = t.request?.uri ?? "response"
        if let query = base.firstIndex(where: { $0 == "?" || $0 == "#" }) { base = String(base[..<query]) }
        let last = base.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? "index"
        var safe = String(last.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "-", "_": Character(scalar)
            default: "_"
            }
        })
        while safe.hasPrefix(".") { safe.removeFirst() }
        if safe.isEmpty { safe = "index" }
        if safe.count > 100 { safe = String(safe.prefix(100)) }
        return "\(t.stream)-\(index)-\(safe)"
    }
}
