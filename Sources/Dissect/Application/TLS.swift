/// One TLS record header (RFC 8446 §5.1, every version since SSL 3.0): content type,
/// legacy version and length, as offsets into the bytes it was read from.
public struct TLSRecord: Sendable, Equatable {
    public var offset: Int
    public var contentType: UInt8
    public var version: UInt16
    /// The fragment length the header declares.
    public var length: Int

    public static let headerLength = 5
    /// Largest fragment RFC 8446 allows (2^14 plus expansion): longer is not TLS.
    public static let maximumLength = 16384 + 2048

    public enum ContentType {
        public static let changeCipherSpec: UInt8 = 20
        public static let alert: UInt8 = 21
        public static let handshake: UInt8 = 22
        public static let applicationData: UInt8 = 23
        public static let heartbeat: UInt8 = 24
    }

    /// The fragment after the header, as declared (it may run past the captured bytes).
    public var body: Range<Int> { (offset + Self.headerLength)..<(offset + Self.headerLength + length) }
    public var end: Int { offset + Self.headerLength + length }

    /// Reads a record header at `offset`. Returns nil without an issue when the five bytes
    /// are not a TLS record header; a truncation issue when fewer than five bytes are there.
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<TLSRecord> {
        let end = Swift.min(end, bytes.count)
        let available = Swift.max(end - offset, 0)
        guard offset >= 0, available >= headerLength else {
            return .failed(.truncated(.tls, needed: headerLength, available: available))
        }
        guard isHeader(bytes, at: offset) else { return Decoded(nil) }
        return Decoded(TLSRecord(offset: offset, contentType: bytes[offset], version: bytes.u16be(offset + 1),
                                 length: Int(bytes.u16be(offset + 3))))
    }

    /// True when five bytes at `offset` look like a record header: a known content type,
    /// version 3.0 to 3.4, and a length TLS allows. Wireshark's heuristic asks the same.
    public static func isHeader(_ bytes: ByteView, at offset: Int) -> Bool {
        guard offset >= 0, offset + headerLength <= bytes.count else { return false }
        let type = bytes[offset]
        guard type >= 20 && type <= 24, bytes[offset + 1] == 3, bytes[offset + 2] <= 4 else { return false }
        let length = Int(bytes.u16be(offset + 3))
        return length > 0 && length <= maximumLength
    }
}

/// One handshake message header inside a handshake record: type and 24-bit length.
public struct TLSHandshake: Sendable, Equatable {
    public var offset: Int
    public var type: UInt8
    public var length: Int
    public static let headerLength = 4

    public var body: Range<Int> { (offset + Self.headerLength)..<(offset + Self.headerLength + length) }
    public var end: Int { offset + Self.headerLength + length }

    public enum Kind {
        public static let helloRequest: UInt8 = 0
        public static let clientHello: UInt8 = 1
        public static let serverHello: UInt8 = 2
        public static let newSessionTicket: UInt8 = 4
        public static let encryptedExtensions: UInt8 = 8
        public static let certificate: UInt8 = 11
        public static let serverKeyExchange: UInt8 = 12
        public static let certificateRequest: UInt8 = 13
        public static let serverHelloDone: UInt8 = 14
        public static let certificateVerify: UInt8 = 15
        public static let clientKeyExchange: UInt8 = 16
        public static let finished: UInt8 = 20
    }

    /// Handshake types a plaintext message can have; anything else is taken as encrypted.
    public static func isKnownType(_ t: UInt8) -> Bool {
        switch t {
        case 0, 1, 2, 3, 4, 5, 6, 8, 11, 12, 13, 14, 15, 16, 20, 21, 22, 23, 24, 25, 254: true
        default: false
        }
    }

    /// The handshake messages of a record body, in order. A message whose header does not
    /// fit, or whose type is unknown, ends the walk and sets `encrypted`: Wireshark then
    /// shows the rest as an "Encrypted Handshake Message".
    public struct Iterator: IteratorProtocol {
        let bytes: ByteView
        var position: Int
        let end: Int
        public private(set) var encrypted = false

        public init(_ bytes: ByteView, body: Range<Int>) {
            self.bytes = bytes
            position = body.lowerBound
            end = Swift.min(body.upperBound, bytes.count)
        }

        public mutating func next() -> TLSHandshake? {
            guard position < end else { return nil }
            guard position + headerLength <= end, isKnownType(bytes[position]) else {
                encrypted = true
                position = end
                return nil
            }
            let length = Int(bytes[position + 1]) << 16 | Int(bytes.u16be(position + 2))
            guard position + headerLength + length <= end else {
                encrypted = true
                position = end
                return nil
            }
            let message = TLSHandshake(offset: position, type: bytes[position], length: length)
            position = message.end
            return message
        }
    }
}

/// A ClientHello or ServerHello body (RFC 8446 §4.1.2, §4.1.3), as ranges.
public struct TLSHello: Sendable, Equatable {
    public var isClient: Bool
    public var version: UInt16
    public var versionOffset: Int
    public var random: Range<Int>
    /// The session ID with its length byte at `sessionID.lowerBound - 1`.
    public var sessionID: Range<Int>
    /// ClientHello: the cipher suite list (after its 2-byte length); ServerHello: the one suite.
    public var cipherSuites: Range<Int>
    /// ClientHello: the compression methods (after the length byte); ServerHello: the one method.
    public var compressionMethods: Range<Int>
    /// The extensions block after its 2-byte length, or nil when there is none.
    public var extensions: Range<Int>?

    /// Decodes a hello message body; nil when a length runs past `body`.
    public static func decode(_ bytes: ByteView, body: Range<Int>, isClient: Bool) -> TLSHello? {
        let end = Swift.min(body.upperBound, bytes.count)
        var p = body.lowerBound
        guard p + 35 <= end else { return nil }
        let version = bytes.u16be(p)
        let random = (p + 2)..<(p + 34)
        p += 34
        let sidLength = Int(bytes[p])
        guard p + 1 + sidLength <= end else { return nil }
        let sessionID = (p + 1)..<(p + 1 + sidLength)
        p = sessionID.upperBound
        let suites: Range<Int>, compression: Range<Int>
        if isClient {
            guard p + 2 <= end else { return nil }
            let n = Int(bytes.u16be(p))
            guard p + 2 + n + 1 <= end else { return nil }
            suites = (p + 2)..<(p + 2 + n)
            p = suites.upperBound
            let m = Int(bytes[p])
            guard p + 1 + m <= end else { return nil }
            compression = (p + 1)..<(p + 1 + m)
            p = compression.upperBound
        } else {
            guard p + 3 <= end else { return nil }
            suites = p..<(p + 2)
            compression = (p + 2)..<(p + 3)
            p += 3
        }
        var extensions: Range<Int>?
        if p + 2 <= end {
            let n = Int(bytes.u16be(p))
            guard p + 2 + n <= end else { return nil }
            extensions = (p + 2)..<(p + 2 + n)
        }
        return TLSHello(isClient: isClient, version: version, versionOffset: body.lowerBound, random: random,
                        sessionID: sessionID, cipherSuites: suites, compressionMethods: compression,
                        extensions: extensions)
    }

    /// The extensions in order: type, and body after the 4-byte type and length.
    public func extensionList(_ bytes: ByteView) -> TLSExtensionIterator {
        TLSExtensionIterator(bytes, extensions ?? 0..<0)
    }

    /// The version this hello negotiates: `supported_versions` when present (TLS 1.3),
    /// else the legacy version field.
    public func negotiatedVersion(_ bytes: ByteView) -> UInt16 {
        guard !isClient else { return version }
        var it = extensionList(bytes)
        while let (type, body) = it.next() {
            if type == 43 && body.count == 2 { return bytes.u16be(body.lowerBound) }
        }
        return version
    }
}

/// Walks a hello's extensions without allocating.
public struct TLSExtensionIterator: Sequence, IteratorProtocol {
    let bytes: ByteView
    var position: Int
    let end: Int

    public init(_ bytes: ByteView, _ block: Range<Int>) {
        self.bytes = bytes
        position = block.lowerBound
        end = Swift.min(block.upperBound, bytes.count)
    }

    public mutating func next() -> (type: UInt16, body: Range<Int>)? {
        guard position + 4 <= end else { return nil }
        let type = bytes.u16be(position)
        let length = Int(bytes.u16be(position + 2))
        guard position + 4 + length <= end else {
            position = end
            return nil
        }
        let body = (position + 4)..<(position + 4 + length)
        position = body.upperBound
        return (type, body)
    }
}

extension TLSRecord {
    /// Well-known ports where tshark 4.0 decodes TLS (its `tcp.port` table for tls).
    public static func isTLSPort(_ port: UInt16) -> Bool {
        switch port {
        case 443, 465, 636, 853, 993, 995, 324, 802, 1300, 2221, 2443, 3249, 3250, 3251, 3252, 3496,
             5061, 5671, 5684, 5868, 8883, 11207, 19999, 27017: true
        default: false
        }
    }

    /// The names tshark puts in the protocol column for a version (`ssl_version_short_names`).
    public static func shortName(_ version: UInt16) -> String {
        switch version {
        case 0x0002: "SSLv2"
        case 0x0300: "SSLv3"
        case 0x0301: "TLSv1"
        case 0x0302: "TLSv1.1"
        case 0x0303: "TLSv1.2"
        case 0x0304: "TLSv1.3"
        case 0xfeff: "DTLSv1.0"
        case 0xfefd: "DTLSv1.2"
        default: "TLS"
        }
    }
}
