import Dissect
import Views

/// tcpdump's `-A` and `-X`: the packet from its network header on, under its summary
/// line, in ASCII (`-A`) or as hex and ASCII (`-X`), laid out as tcpdump lays them out.
/// Only printable ASCII and newlines reach the terminal; everything else is a dot.
enum PayloadDump {
    enum Style { case ascii, hexAndASCII }

    /// Where tcpdump starts: the network header (it leaves the link header out without -e).
    static func networkBytes(_ frame: Frame) -> ByteView {
        let bytes = frame.bytes
        let start = frame.ipv4?.offset ?? frame.ipv6?.offset ?? frame.arp?.offset ?? 0
        return start > 0 && start <= bytes.count ? bytes.slice(start..<bytes.count) : bytes
    }

    static func write(_ frame: Frame, style: Style, to out: OutputBuffer) {
        let bytes = networkBytes(frame)
        switch style {
        case .ascii: ascii(bytes, to: out)
        case .hexAndASCII: hexAndASCII(bytes, to: out)
        }
    }

    /// `-A`: printable bytes and line feeds as they are, a carriage return dropped, the
    /// rest shown as `.` (tcpdump's ascii_print).
    static func ascii(_ bytes: ByteView, to out: OutputBuffer) {
        for b in bytes {
            switch b {
            case 0x20..<0x7f, 0x0a: out.byte(b)
            case 0x0d: break
            default: out.byte(46)
            }
        }
        out.byte(10)
    }

    /// `-X`: `\t0x0000:  4500 0054 ...  E..T....`, 16 bytes a line in groups of two
    /// (tcpdump's hex_and_ascii_print).
    static func hexAndASCII(_ bytes: ByteView, to out: OutputBuffer) {
        var offset = 0
        while offset < bytes.count {
            let line = bytes.slice(offset..<min(offset + 16, bytes.count))
            out.ascii("\t0x")
            out.hex(UInt32(truncatingIfNeeded: offset), width: 4, prefix: false)
            out.ascii(": ")
            var column = 0
            var i = 0
            while i < line.count {
                out.byte(32)
                out.hex(line[i], width: 2, prefix: false)
                if i + 1 < line.count { out.hex(line[i + 1], width: 2, prefix: false) }
                column += i + 1 < line.count ? 5 : 3
                i += 2
            }
            for _ in column..<40 { out.byte(32) }
            out.ascii("  ")
            for b in line { out.byte((0x20..<0x7f).contains(b) ? b : 46) }
            out.byte(10)
            offset += 16
        }
    }
}
