import Dissect

extension Follower {
    /// Wireshark's ESP sequence analysis: per SPI (whatever the addresses), a packet whose
    /// sequence number is not one more than the last one's is flagged with the number
    /// expected and the frame of the last one.
    func trackESP(_ frame: Frame, into analysis: inout FrameAnalysis) {
        guard let (payload, _) = frame.ipPayload,
              let esp = ESP.decode(frame.bytes, at: payload.lowerBound, end: payload.upperBound).layer else { return }
        if let last = espSequences[esp.spi] {
            let expected = last.sequence &+ 1
            if esp.sequence != expected {
                analysis.espSequence = ESPSequenceCheck(expected: expected, previousFrame: UInt32(truncatingIfNeeded: last.frame))
            }
        } else if espSequences.count >= 65_536 {
            // Bounded like the DNS and echo tables.
            espSequences.removeAll()
        }
        espSequences[esp.spi] = (esp.sequence, frame.number)
    }
}
