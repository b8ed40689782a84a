import Dissect

/// TFTP Info text (RFC 1350): `Read Request, File: x, Transfer type: octet`.
enum TFTPInfo {
    static func write(_ payload: ByteView, to out: OutputBuffer) {
        guard payload.count >= 2 else { return }
        let opcode = payload.u16be(0)
        switch opcode {
        case 1, 2:
            out.ascii(opcode == 1 ? "Read Request, File: " : "Write Request, File: ")
            let nameEnd = payload.firstIndex(of: 0, in: 2..<payload.count) ?? payload.count
            out.escaped(payload.slice(2..<nameEnd))
            if nameEnd < payload.count {
                let modeEnd = payload.firstIndex(of: 0, in: (nameEnd + 1)..<payload.count) ?? payload.count
                out.ascii(", Transfer type: ")
                out.escaped(payload.slice((nameEnd + 1)..<modeEnd))
            }
        case 3:
            out.ascii("Data Packet, Block: ")
            if payload.count >= 4 { out.decimal(payload.u16be(2)) }
        case 4:
            out.ascii("Acknowledgement, Block: ")
            if payload.count >= 4 { out.decimal(payload.u16be(2)) }
        case 5:
            out.ascii("Error Code, Code: ")
            if payload.count >= 4 { out.decimal(payload.u16be(2)) }
        default:
            out.ascii("Unknown (")
            out.hex(opcode, width: 4)
            out.byte(41)
        }
    }
}
