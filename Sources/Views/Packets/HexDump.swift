import Dissect

/// `-x`: the frame's bytes as offset, hex and printable ASCII, 16 to a line, as tshark -x.
public enum HexDump {
    public static func write(_ bytes: ByteView, to out: OutputBuffer, trailingBlankLine: Bool = true) {
        var offset = 0
        while offset < bytes.count {
            let line = bytes.slice(offset..<min(offset + 16, bytes.count))
            out.hex(UInt16(truncatingIfNeeded: offset), width: 4, prefix: false)
            if offset > 0xffff { out.hex(UInt32(offset), width: 4, prefix: false) }
            out.ascii(" ")
            for i in 0..<16 {
                out.byte(32)
                if i < line.count { out.hex(line[i], width: 2, prefix: false) } else { out.ascii("  ") }
            }
            out.ascii("   ")
            for b in line { out.byte((0x20..<0x7f).contains(b) ? b : 46) }
            out.byte(10)
            offset += 16
        }
        if trailingBlankLine { out.byte(10) }
    }
}
