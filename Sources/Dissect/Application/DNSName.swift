/// A domain name inside a DNS message, read in place. Reading one follows compression
/// pointers once to validate the name and measure it; writing it out walks the labels
/// again. Neither allocates.
///
/// Loop protection: a pointer must point strictly before the start of the run of labels
/// that holds it (so every jump goes further back and the walk ends), at most
/// ``maximumJumps`` pointers are followed, and the uncompressed name may not exceed 255
/// bytes (RFC 1035 §3.1).
public struct DNSName: Sendable, Equatable {
    /// Where the name starts in the frame.
    public var offset: Int
    /// Where the field after the name starts (after its terminating zero or its first
    /// pointer); nil when the capture or the enclosing record ends first.
    public var nextOffset: Int?
    /// The number of labels (0 for the root).
    public var labelCount: Int
    /// The uncompressed length on the wire, terminating zero included (1 for the root).
    public var wireLength: Int
    /// The length of the dotted name before escaping (`[Name Length]` in Wireshark; the
    /// root, shown as `<Root>`, counts 6).
    public var displayLength: Int
    /// Why the name could not be read to its end, if it could not. The labels before the
    /// problem are still written out.
    public var issue: DecodeIssue?

    let messageStart: Int
    let end: Int
    let limit: Int

    /// At most this many compression pointers are followed.
    public static let maximumJumps = 127
    public static let maximumWireLength = 255

    public var isRoot: Bool { labelCount == 0 && issue == nil }

    /// Reads the name at `offset` in `message`.
    public static func read(_ bytes: ByteView, at offset: Int, message: DNS) -> DNSName {
        read(bytes, at: offset, message: message, limit: message.end)
    }

    /// Reads a name whose own bytes must end by `limit` (the end of the record data that
    /// holds it); labels reached through pointers may lie anywhere earlier in the message.
    static func read(_ bytes: ByteView, at offset: Int, message: DNS, limit: Int) -> DNSName {
        let end = Swift.min(message.end, bytes.count)
        var name = DNSName(offset: offset, nextOffset: nil, labelCount: 0, wireLength: 1,
                           displayLength: 0, issue: nil,
                           messageStart: message.offset, end: end, limit: Swift.min(limit, end))
        var labels = 0, wire = 1, text = 0
        var next: Int?
        let stop = name.walk(bytes, nextOffset: &next) { range in
            labels += 1
            wire += 1 + range.count
            text += range.count + (labels > 1 ? 1 : 0)
        }
        name.nextOffset = next
        name.labelCount = labels
        name.wireLength = wire
        name.displayLength = labels == 0 ? 6 : text
        switch stop {
        case .done:
            break
        case .truncated(let needed):
            if name.limit < end && needed <= end {
                // The name runs past the record data that should hold it.
                name.issue = .malformed(.dns, .lengthFieldTooSmall(limit - offset))
            } else {
                name.issue = message.truncation(neededThrough: needed)
            }
        case .malformed(let why):
            name.issue = .malformed(.dns, why)
        }
        return name
    }

    enum Stop: Equatable {
        case done
        /// The absolute offset the walk needed to reach.
        case truncated(Int)
        case malformed(Malformation)
    }

    /// Walks the labels, calling `label` with each label's bytes (length byte excluded).
    func walk(_ bytes: ByteView, nextOffset: inout Int?, label: (Range<Int>) -> Void) -> Stop {
        var position = offset
        var runStart = offset          // start of the run of labels being read
        var furthest = offset          // end of the furthest byte read so far
        var bound = limit              // the in-place part must end by `limit`
        var wire = 1
        var jumps = 0
        guard offset >= messageStart else { return .truncated(offset + 1) }
        while true {
            guard position < bound else { return .truncated(position + 1) }
            let byte = bytes[position]
            switch byte & 0xC0 {
            case 0x00:
                if byte == 0 {
                    if jumps == 0 { nextOffset = position + 1 }
                    return .done
                }
                let length = Int(byte)
                guard length < bound - position else { return .truncated(position + 1 + length) }
                wire += 1 + length
                guard wire <= DNSName.maximumWireLength else { return .malformed(.dnsNameTooLong) }
                label((position + 1)..<(position + 1 + length))
                position += 1 + length
                furthest = Swift.max(furthest, position)
            case 0xC0:
                guard position + 1 < bound else { return .truncated(position + 2) }
                if jumps == 0 { nextOffset = position + 2 }
                furthest = Swift.max(furthest, position + 2)
                let target = messageStart + Int(bytes.u16be(position) & 0x3FFF)
                guard target < runStart else {
                    return .malformed(target < furthest ? .dnsNameLoop : .dnsForwardPointer(target - messageStart))
                }
                jumps += 1
                guard jumps <= DNSName.maximumJumps else { return .malformed(.dnsNameLoop) }
                position = target
                runStart = target
                bound = end
            default:
                return .malformed(.dnsLabelType(byte))
            }
        }
    }

    /// Calls `body` with each label's bytes (length byte excluded), following pointers.
    public func forEachLabel(_ bytes: ByteView, _ body: (Range<Int>) -> Void) {
        var ignored: Int?
        _ = walk(bytes, nextOffset: &ignored, label: body)
    }

    /// Writes the dotted name into `sink` byte by byte, escaped the way Wireshark 4.0
    /// displays it (see ``DNSName/writeEscaped(_:_:to:)``); the root is written `<Root>`.
    public func write(_ bytes: ByteView, to sink: (UInt8) -> Void) {
        var first = true
        forEachLabel(bytes) { range in
            if !first { sink(UInt8(ascii: ".")) }
            first = false
            DNSName.writeEscaped(bytes, range, to: sink)
        }
        if first && issue == nil {
            for c in "<Root>".utf8 { sink(c) }
        }
    }

    /// The dotted name as a string, for tests and views off the hot path.
    public func string(_ bytes: ByteView) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(displayLength)
        write(bytes) { utf8.append($0) }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Writes `range` of `bytes` the way Wireshark 4.0's `format_text` displays a string:
    /// printable ASCII as is (`.` and `\` included); `\a \b \t \n \v \f \r`; other control
    /// bytes and DEL as three-digit octal (`\001`, `\177`); well-formed UTF-8 as is, unless
    /// it encodes a control or format character (`\u0085`, `\u200b`); and U+FFFD for each
    /// byte sequence that is not UTF-8 (a stray byte, a cut-short sequence, a surrogate or
    /// a value past U+10FFFF). Like Wireshark, overlong forms are decoded (`C0 80` is
    /// `\u0000`).
    public static func writeEscaped(_ bytes: ByteView, _ range: Range<Int>, to sink: (UInt8) -> Void) {
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let c = bytes[i]
            if c < 0x80 {
                writeASCII(c, to: sink)
                i += 1
                continue
            }
            let sequenceLength: Int
            var scalar: UInt32
            if c & 0xE0 == 0xC0 {
                sequenceLength = 2; scalar = UInt32(c & 0x1F)
            } else if c & 0xF0 == 0xE0 {
                sequenceLength = 3; scalar = UInt32(c & 0x0F)
            } else if c & 0xF8 == 0xF0 {
                sequenceLength = 4; scalar = UInt32(c & 0x07)
            } else {
                writeReplacement(to: sink)
                i += 1
                continue
            }
            var k = 1
            while k < sequenceLength, i + k < end, bytes[i + k] & 0xC0 == 0x80 {
                scalar = scalar << 6 | UInt32(bytes[i + k] & 0x3F)
                k += 1
            }
            if k < sequenceLength || (0xD800...0xDFFF).contains(scalar) || scalar > 0x10FFFF {
                writeReplacement(to: sink)
            } else if isPrintable(scalar) {
                for j in i..<(i + k) { sink(bytes[j]) }
            } else {
                writeUnicodeEscape(scalar, to: sink)
            }
            i += k
        }
    }

    /// Writes `range` as `format_text` displays a string read with ENC_ASCII: each byte
    /// past 0x7F is U+FFFD, whatever follows it; the rest as ``writeEscaped(_:_:to:)``.
    public static func writeEscapedASCII(_ bytes: ByteView, _ range: Range<Int>, to sink: (UInt8) -> Void) {
        for i in range {
            if bytes[i] < 0x80 { writeASCII(bytes[i], to: sink) } else { writeReplacement(to: sink) }
        }
    }

    /// ``writeEscapedASCII(_:_:to:)`` as a string, for the details tree.
    public static func escapedASCII(_ bytes: ByteView, _ range: Range<Int>) -> String {
        var shown: [UInt8] = []
        writeEscapedASCII(bytes, range, to: { shown.append($0) })
        return String(decoding: shown, as: UTF8.self)
    }

    static func writeASCII(_ c: UInt8, to sink: (UInt8) -> Void) {
        if c >= 0x20 && c < 0x7F {
            sink(c)
            return
        }
        let letter: UInt8
        switch c {
        case 0x07: letter = UInt8(ascii: "a")
        case 0x08: letter = UInt8(ascii: "b")
        case 0x09: letter = UInt8(ascii: "t")
        case 0x0A: letter = UInt8(ascii: "n")
        case 0x0B: letter = UInt8(ascii: "v")
        case 0x0C: letter = UInt8(ascii: "f")
        case 0x0D: letter = UInt8(ascii: "r")
        default:
            sink(UInt8(ascii: "\\"))
            sink(UInt8(ascii: "0") + (c >> 6))
            sink(UInt8(ascii: "0") + (c >> 3 & 7))
            sink(UInt8(ascii: "0") + (c & 7))
            return
        }
        sink(UInt8(ascii: "\\"))
        sink(letter)
    }

    static func writeReplacement(to sink: (UInt8) -> Void) {
        sink(0xEF); sink(0xBF); sink(0xBD)
    }

    static func writeUnicodeEscape(_ scalar: UInt32, to sink: (UInt8) -> Void) {
        sink(UInt8(ascii: "\\"))
        let digits: UInt32
        if scalar > 0xFFFF {
            sink(UInt8(ascii: "U")); digits = 8
        } else {
            sink(UInt8(ascii: "u")); digits = 4
        }
        var shift = (digits - 1) * 4
        while true {
            let nibble = UInt8(truncatingIfNeeded: scalar >> shift & 0xF)
            sink(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
            if shift == 0 { break }
            shift -= 4
        }
    }

    /// An approximation of GLib's `g_unichar_isprint` without Unicode tables: controls,
    /// the common format characters and the noncharacters U+FFFE/U+FFFF are not printable.
    static func isPrintable(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x00...0x1F, 0x7F...0x9F, 0xAD, 0x600...0x605, 0x61C, 0x6DD, 0x70F,
             0x180E, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x206F,
             0xFEFF, 0xFFF9...0xFFFB, 0xFFFE, 0xFFFF, 0xE0001, 0xE0020...0xE007F:
            false
        default:
            true
        }
    }
}
