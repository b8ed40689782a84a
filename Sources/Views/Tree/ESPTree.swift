import Dissect
import Follow

/// ESP (RFC 4303) as tshark shows it without keys: the SPI and the sequence number.
enum ESPTree {
    static let spi = HeaderField("esp.spi", "ESP SPI", .uint32, .hexDec)
    static let sequence = HeaderField("esp.sequence", "ESP Sequence", .uint32)
    static let expected = HeaderField("esp.sequence-analysis.expected-sn", "Expected SN", .uint32)
    static let previousFrame = HeaderField("esp.sequence-analysis.previous-frame", "Previous Frame", .frameNumber)
    static let declaration = ProtocolDeclaration("esp", "Encapsulating Security Payload", fields: [
        spi, sequence, expected, previousFrame,
    ])

    static func dissect(_ esp: ESP, check: ESPSequenceCheck?, _ tree: inout TreeBuilder) {
        let o = esp.offset
        tree.open(declaration, o..<min(tree.bytes.count, o + ESP.headerLength), label: "Encapsulating Security Payload")
        tree.add(spi, o..<o + 4, .uint(UInt64(esp.spi)))
        tree.add(sequence, o + 4..<o + 8, .uint(UInt64(esp.sequence)))
        if let check {
            tree.open(expected, nil, .uint(UInt64(check.expected)), generated: true)
            let spiText = hex(UInt64(esp.spi), digits: 8)
            let gap = esp.sequence > check.expected
                ? "\(esp.sequence - check.expected) missing" : "\(check.expected &- esp.sequence) less than expected"
            tree.expert("esp.sequence-analysis.wrong-sequence-number", .warning, .sequence,
                        "Wrong Sequence Number for SPI \(spiText) - \(gap)")
            tree.close()
            tree.add(previousFrame, nil, .uint(UInt64(check.previousFrame)), generated: true)
        }
        tree.close()
    }

    /// "ESP (SPI=0x0000000a)".
    static func writeInfo(_ esp: ESP, to out: OutputBuffer) {
        out.ascii("ESP (SPI=0x")
        out.hex(esp.spi, width: 8, prefix: false)
        out.byte(41)
    }
}

extension Frame {
    /// The ESP header of this frame, read again from the IP payload.
    var espHeader: ESP? {
        guard protocols.last == .esp, let (payload, _) = ipPayload else { return nil }
        return ESP.decode(bytes, at: payload.lowerBound, end: payload.upperBound).layer
    }
}
