/// A Kerberos version 4 message (Miller, Neuman, Schiller and Saltzer, "Kerberos
/// Authentication and Authorization System", section E.2.1), read as Wireshark's
/// packet-kerberos4.c reads it: a version byte, a type byte whose low bit is the byte
/// order of the numbers that follow, then the type's fields.
///
/// Kerberos 5's port (UDP 88) hands a payload whose first byte is at most 0x10 to this
/// dissector, as packet-kerberos.c does: a Kerberos 5 message starts with an ASN.1
/// application tag, 0x60 or more. Version 4's own port is UDP 750.
public struct KRB4Message: Sendable {
    public static let port: UInt16 = 750
    public static let kerberosPort: UInt16 = 88
    /// Transarc AFS's variant: its KDC request carries 8 unknown bytes first.
    public static let transarcVersion: UInt8 = 0x63

    public enum Kind: UInt8, Sendable {
        case kdcRequest = 1, kdcReply, applRequest, applRequestMutual, errReply, `private`, safe, applErr
        case die = 63

        public var name: String {
            switch self {
            case .kdcRequest: "KDC Request"
            case .kdcReply: "KDC Reply"
            case .applRequest: "Appl Request"
            case .applRequestMutual: "Appl Request Mutual"
            case .errReply: "Err Reply"
            case .private: "Private"
            case .safe: "Safe"
            case .applErr: "Appl Err"
            case .die: "Die"
            }
        }
    }

    /// Where the message starts in the frame and where its captured bytes end.
    public var offset: Int
    public var end: Int
    public var version: UInt8
    /// The type and byte order byte (`krb4.auth_msg_type`).
    public var typeByte: UInt8
    public var kind: Kind
    public var littleEndian: Bool { typeByte & 1 != 0 }

    /// The message when the version and type are ones packet-kerberos4.c accepts; nil
    /// hands the payload on, as the dissector's FALSE does.
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> KRB4Message? {
        let end = Swift.min(end, bytes.count)
        guard offset >= 0, end - offset >= 2 else { return nil }
        let version = bytes[offset]
        guard version == 4 || version == transarcVersion, let kind = Kind(rawValue: bytes[offset + 1] >> 1) else { return nil }
        return KRB4Message(offset: offset, end: end, version: version, typeByte: bytes[offset + 1], kind: kind)
    }

    /// The first byte the message's fields need that was not captured, when a field runs
    /// past `end`: the decoder's truncation issue and the tree's last line both come from it.
    public func truncation(_ bytes: ByteView) -> DecodeIssue? {
        var items = self.items(bytes)
        while items.next() != nil {}
        guard let needed = items.neededEnd else { return nil }
        return .truncated(.krb4, needed: needed - offset, available: end - offset)
    }

    public func items(_ bytes: ByteView) -> KRB4Items { KRB4Items(bytes, self) }
}

/// One field of a Kerberos 4 message, in wire order.
public enum KRB4Item: Sendable, Equatable {
    public enum Text: Sendable { case name, instance, realm, serviceName, serviceInstance }
    public enum Time: Sendable { case timeSec, expDate, reqDate }
    public enum Blob: Sendable { case transarc, encrypted, ticket, request }
    public enum Count: Sendable { case kvno, lifetime, ticketLength, requestLength, length }

    /// A NUL-terminated string: the range holds its bytes and the NUL.
    case text(Text, Range<Int>)
    /// Seconds since 1970 in the message's byte order.
    case time(Time, Range<Int>, UInt32)
    case count(Count, Range<Int>, UInt32)
    case blob(Blob, Range<Int>)
}

/// Walks a message's fields as packet-kerberos4.c adds them, stopping at the first one
/// that runs past the captured bytes (``neededEnd`` then says how far it needed).
public struct KRB4Items: IteratorProtocol {
    private let bytes: ByteView
    private let message: KRB4Message
    private var position: Int
    private var step = 0
    private var transarcPending: Bool
    /// The lengths of the ticket and request blobs an application request declares.
    private var ticketLength = 0, requestLength = 0, blobLength = 0
    public private(set) var neededEnd: Int?

    init(_ bytes: ByteView, _ message: KRB4Message) {
        self.bytes = bytes
        self.message = message
        position = message.offset + 2
        transarcPending = message.kind == .kdcRequest && message.version == KRB4Message.transarcVersion
    }

    /// The fields of each message type, as the dissector's switch lists them; the other
    /// types have no fields after the type byte. (Transarc's KDC request has 8 more bytes
    /// first: see `transarcPending`.)
    private static let kdcRequest: [Field] = [
        .text(.name), .text(.instance), .text(.realm), .time(.timeSec), .count(.lifetime, 1),
        .text(.serviceName), .text(.serviceInstance),
    ]
    private static let kdcReply: [Field] = [
        .text(.name), .text(.instance), .text(.realm), .time(.timeSec), .skip(1), .time(.expDate),
        .count(.kvno, 1), .count(.length, 2), .declaredBlob(.encrypted),
    ]
    private static let applRequest: [Field] = [
        .count(.kvno, 1), .text(.realm), .count(.ticketLength, 1), .count(.requestLength, 1),
        .declaredBlob(.ticket), .declaredBlob(.request), .time(.reqDate), .count(.lifetime, 1),
        .text(.serviceName), .text(.serviceInstance),
    ]
    private static let none: [Field] = []

    private var layout: [Field] {
        switch message.kind {
        case .kdcRequest: Self.kdcRequest
        case .kdcReply: Self.kdcReply
        case .applRequest: Self.applRequest
        default: Self.none
        }
    }

    private enum Field {
        case text(KRB4Item.Text), time(KRB4Item.Time), count(KRB4Item.Count, Int)
        case declaredBlob(KRB4Item.Blob), skip(Int)
    }

    public mutating func next() -> KRB4Item? {
        guard neededEnd == nil else { return nil }
        if transarcPending {
            transarcPending = false
            guard position + 8 <= message.end else { return stop(needing: position + 8) }
            defer { position += 8 }
            return .blob(.transarc, position..<position + 8)
        }
        while true {
            let fields = layout
            guard step < fields.count else { return nil }
            let field = fields[step]
            step += 1
            let end = message.end
            switch field {
            case .skip(let n):
                guard position + n <= end else { return stop(needing: position + n) }
                position += n
                continue
            case .text(let which):
                var nul = position
                while nul < end, bytes[nul] != 0 { nul += 1 }
                guard nul < end else { return stop(needing: end + 1) }
                defer { position = nul + 1 }
                return .text(which, position..<nul + 1)
            case .time(let which):
                guard position + 4 <= end else { return stop(needing: position + 4) }
                defer { position += 4 }
                let v = bytes.u32be(position)
                return .time(which, position..<position + 4, message.littleEndian ? v.byteSwapped : v)
            case .count(let which, let width):
                guard position + width <= end else { return stop(needing: position + width) }
                defer { position += width }
                var v = width == 1 ? UInt32(bytes[position]) : UInt32(bytes.u16be(position))
                if width == 2, message.littleEndian { v = UInt32(UInt16(v).byteSwapped) }
                switch which {
                case .ticketLength: ticketLength = Int(v)
                case .requestLength: requestLength = Int(v)
                case .length: blobLength = Int(v)
                default: break
                }
                return .count(which, position..<position + width, v)
            case .declaredBlob(let which):
                let n = which == .ticket ? ticketLength : which == .request ? requestLength : blobLength
                guard position + n <= end else { return stop(needing: position + n) }
                defer { position += n }
                return .blob(which, position..<position + n)
            }
        }
    }

    private mutating func stop(needing end: Int) -> KRB4Item? {
        neededEnd = end
        return nil
    }
}
