import Dissect
import Follow

/// The TLS records or SSH packets a frame shows, with the bytes each one lives in: the
/// follower's (after reassembly), or the frame's own payload when there is no follower.
struct RecordSource {
    struct PDU {
        var bytes: ByteView
        var range: Range<Int>
        /// Frames and byte counts of a PDU reassembled from several segments.
        var frames: [(frame: Int, bytes: Int)]?
    }

    var layer: Layer
    var pdus: [PDU]
    var before: RecordSessionState
    var fromClient: Bool
    var startsPDU: Bool
    var encryptedTail: Range<Int>?

    // Borrowed: an initializer takes its arguments owned, and the caller would copy the
    // whole input (retaining everything in it) for every TCP frame.
    init?(_ input: borrowing FieldInput) {
        if let records = input.analysis.records {
            layer = records.layer
            pdus = records.pdus.map { pdu in
                switch pdu {
                case .frame(let r): PDU(bytes: input.frame.bytes, range: r.clamped(to: 0..<input.frame.bytes.count))
                case .reassembled(let b, let frames): PDU(bytes: b, range: 0..<b.count, frames: frames)
                }
            }
            before = records.before
            fromClient = records.fromClient
            startsPDU = records.startsPDU
            encryptedTail = records.encryptedTail
            return
        }
        guard input.analysis.application == .asDecoded, let last = input.frame.protocols.last,
              last == .tls || last == .ssh, let tcp = input.frame.tcp else { return nil }
        layer = last
        let payload = tcp.payload.clamped(to: 0..<input.frame.bytes.count)
        pdus = payload.isEmpty ? [] : [PDU(bytes: input.frame.bytes, range: payload)]
        before = RecordSessionState()
        fromClient = FrameDecoder.recordLayer(tcpPorts: tcp.destinationPort, tcp.destinationPort) != nil
        startsPDU = false
        encryptedTail = nil
    }

    /// The `frame.protocols` entries above TCP: one for the PDU reassembled from earlier
    /// segments and one for what starts in this frame, each followed by the x509 layers of
    /// the certificates it carries (as tshark 4.0 lists them).
    var layers: [Layer] {
        var out: [Layer] = []
        var inFrame: [Layer] = []
        var anyInFrame = startsPDU || encryptedTail != nil
        for pdu in pdus {
            var certs: [Layer] = []
            if layer == .tls { certs = Self.certificateLayers(pdu.bytes, pdu.range) }
            if pdu.frames != nil {
                out.append(layer)
                out += certs
            } else {
                anyInFrame = true
                inFrame += certs
            }
        }
        if anyInFrame || out.isEmpty {
            out.append(layer)
            out += inFrame
        }
        return out
    }

    static func certificateLayers(_ bytes: ByteView, _ range: Range<Int>) -> [Layer] {
        var out: [Layer] = []
        var p = range.lowerBound
        while p < range.upperBound, let record = TLSRecord.decode(bytes, at: p, end: range.upperBound).layer {
            if record.contentType == TLSRecord.ContentType.handshake {
                var messages = TLSHandshake.Iterator(bytes, body: record.body.clamped(to: p..<range.upperBound))
                while let m = messages.next() {
                    guard m.type == TLSHandshake.Kind.certificate else { continue }
                    var q = m.body.lowerBound + 3
                    while q + 3 <= m.end {
                        let n = Int(bytes[q]) << 16 | Int(bytes.u16be(q + 1))
                        guard q + 3 + n <= m.end else { break }
                        out += X509.layers(bytes, q + 3..<q + 3 + n)
                        q += 3 + n
                    }
                }
            }
            p = record.end
        }
        return out
    }

    /// Only the start of a PDU that a later frame completes.
    var onlyStartsPDU: Bool { pdus.isEmpty && startsPDU && encryptedTail == nil }
}

/// What one frame's TLS records say, walked once for the Info and protocol columns.
struct TLSSummary {
    var names: [String] = []
    /// The session's version after this frame's records, or the last record's version.
    var version: UInt16?

    init(_ source: RecordSource) {
        var changed = source.fromClient ? source.before.clientChangedCipher : source.before.serverChangedCipher
        var session = source.before.tlsVersion
        var lastRecord: UInt16?
        for pdu in source.pdus {
            var p = pdu.range.lowerBound
            while p < pdu.range.upperBound, let record = TLSRecord.decode(pdu.bytes, at: p, end: pdu.range.upperBound).layer {
                lastRecord = record.version
                let body = record.body.clamped(to: p..<pdu.range.upperBound)
                switch record.contentType {
                case TLSRecord.ContentType.changeCipherSpec:
                    names.append("Change Cipher Spec")
                    changed = true
                case TLSRecord.ContentType.alert:
                    if !changed && record.length == 2 && body.count == 2 {
                        let level = TLSNames.alertLevels[UInt64(pdu.bytes[body.lowerBound])] ?? "Unknown"
                        let desc = TLSNames.alertDescriptions[UInt64(pdu.bytes[body.lowerBound + 1])] ?? "Unknown"
                        names.append("Alert (Level: \(level), Description: \(desc))")
                    } else {
                        names.append("Encrypted Alert")
                    }
                case TLSRecord.ContentType.handshake:
                    if changed {
                        names.append("Encrypted Handshake Message")
                        break
                    }
                    var messages = TLSHandshake.Iterator(pdu.bytes, body: body)
                    var any = false
                    while let m = messages.next() {
                        any = true
                        names.append(TLSNames.handshakeTypes[UInt64(m.type)] ?? "Unknown (\(m.type))")
                        if m.type == TLSHandshake.Kind.serverHello,
                           let hello = TLSHello.decode(pdu.bytes, body: m.body, isClient: false) {
                            session = hello.negotiatedVersion(pdu.bytes)
                        }
                    }
                    if !any || messages.encrypted { names.append("Encrypted Handshake Message") }
                case TLSRecord.ContentType.applicationData:
                    names.append("Application Data")
                case TLSRecord.ContentType.heartbeat:
                    names.append(changed ? "Encrypted Heartbeat" : "Heartbeat")
                default:
                    break
                }
                p = record.end
            }
        }
        version = session ?? lastRecord
    }
}

/// What one frame's SSH packets say.
struct SSHSummary {
    var names: [String] = []

    init(_ source: RecordSource) {
        var newKeys = source.fromClient ? source.before.clientNewKeys : source.before.serverNewKeys
        let kex = source.before.kexMethod
        for pdu in source.pdus {
            var p = pdu.range.lowerBound
            let end = pdu.range.upperBound
            while p < end {
                if let banner = SSHBanner.decode(pdu.bytes, at: p, end: end).layer {
                    names.append("Protocol (\(String(decoding: pdu.bytes.slice(banner.line), as: UTF8.self)))")
                    p = banner.end
                    continue
                }
                guard !newKeys, let packet = SSHPacket.decode(pdu.bytes, at: p, end: end).layer else { break }
                names.append(TLSNames.sshMessage(packet.messageCode, kex: kex))
                if packet.messageCode == SSHPacket.Code.newKeys { newKeys = true }
                p = packet.end
            }
            if p < end && newKeys { encrypted(end - p, source) }
        }
        if let tail = source.encryptedTail { encrypted(tail.count, source) }
    }

    /// tshark names an encrypted packet only where it set up no decryption (see SSHTree).
    private mutating func encrypted(_ length: Int, _ source: RecordSource) {
        if !SSHTree.tsharkDecrypts(kex: source.before.kexMethod) { names.append("Encrypted packet (len=\(length))") }
    }
}

enum RecordInfo {
    /// tshark's protocol column: `TLSv1.2`, `SSHv2`, or `TCP` for the start of a PDU.
    static func protocolName(_ source: RecordSource) -> String {
        if source.onlyStartsPDU { return "TCP" }
        switch source.layer {
        case .tls:
            return TLSSummary(source).version.map(TLSRecord.shortName) ?? "TLS"
        default:
            switch source.before.sshVersion {
            case 2: return "SSHv2"
            case 1: return "SSHv1"
            default: return "SSH"
            }
        }
    }

    static func write(_ source: RecordSource, to out: OutputBuffer) {
        if source.onlyStartsPDU {
            out.ascii("[TCP segment of a reassembled PDU]")
            return
        }
        switch source.layer {
        case .tls:
            out.string(TLSSummary(source).names.joined(separator: ", "))
        default:
            out.ascii(source.fromClient ? "Client: " : "Server: ")
            out.string(SSHSummary(source).names.joined(separator: ", "))
        }
    }
}
