/// NetBIOS names as the NetBIOS Name Service (RFC 1002, UDP 137) carries them: DNS's
/// message format, with each name's first label the RFC 1001 section 14.1 "first-level
/// encoding" of 16 bytes (15 characters padded with spaces, then a type suffix).
public enum NetBIOSName {
    /// The name shown as Wireshark shows it (`WORKGROUP<1d>`, `<01><02>__MSBROWSE__<02><01>`,
    /// with a scope as `.scope`), and the suffix; nil when the first label is not a
    /// 32-byte first-level encoding.
    public static func text(_ name: DNSName, _ bytes: ByteView) -> (text: String, suffix: UInt8)? {
        var labels: [Range<Int>] = []
        name.forEachLabel(bytes) { labels.append($0) }
        return text(labels: labels, bytes)
    }

    /// A name written out as labels with no compression (the NetBIOS Datagram Service's
    /// source and destination names): the name and where the field after it starts.
    public static func read(_ bytes: ByteView, at offset: Int, end: Int) -> (text: String, suffix: UInt8, next: Int)? {
        let end = Swift.min(end, bytes.count)
        var labels: [Range<Int>] = []
        var at = offset
        while at >= 0, at < end {
            let length = Int(bytes[at])
            if length == 0 { break }
            guard length < 64, at + 1 + length <= end, labels.count < 128 else { return nil }
            labels.append(at + 1..<at + 1 + length)
            at += 1 + length
        }
        guard at < end, let (text, suffix) = text(labels: labels, bytes) else { return nil }
        return (text, suffix, at + 1)
    }

    static func text(labels: [Range<Int>], _ bytes: ByteView) -> (text: String, suffix: UInt8)? {
        guard let first = labels.first, first.count == 32 else { return nil }
        var decoded: [UInt8] = []
        var at = first.lowerBound
        while at < first.upperBound {
            let high = bytes[at], low = bytes[at + 1]
            guard (65...80).contains(high), (65...80).contains(low) else { return nil }
            decoded.append((high - 65) << 4 | (low - 65))
            at += 2
        }
        let suffix = decoded[15]
        var characters = decoded[0..<15]
        while characters.last == 32 { characters = characters.dropLast() }
        var out = ""
        for c in characters {
            if c >= 0x20 && c < 0x7F { out.unicodeScalars.append(Unicode.Scalar(c)) } else { out += hexByte(c) }
        }
        out += hexByte(suffix)
        for label in labels.dropFirst() { out += "." + String(decoding: bytes.slice(label), as: UTF8.self) }
        return (out, suffix)
    }

    private static func hexByte(_ c: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "<\(digits[Int(c >> 4)])\(digits[Int(c & 15)])>"
    }
}
