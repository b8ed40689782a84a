/// The SSH protocol version exchange line (RFC 4253 §4.2): `SSH-2.0-software comments`.
public struct SSHBanner: Sendable, Equatable {
    /// The line without its CR LF (`ssh.protocol`).
    public var line: Range<Int>
    /// Just past the line feed.
    public var end: Int

    /// Recognises a banner at `offset`. Nil without an issue when the bytes do not start
    /// with `SSH-`; a truncation issue when they do but the line has no end before `end`.
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<SSHBanner> {
        let end = Swift.min(end, bytes.count)
        guard offset >= 0, offset < end else { return Decoded(nil) }
        let available = end - offset
        guard available >= 4 else {
            return isPrefix(bytes, at: offset, end: end) ? .failed(.truncated(.ssh, needed: 5, available: available)) : Decoded(nil)
        }
        guard bytes.hasBytes("SSH-", at: offset) else { return Decoded(nil) }
        guard let lf = bytes.firstIndex(of: 10, in: offset..<end) else {
            return .failed(.truncated(.ssh, needed: available + 1, available: available))
        }
        let lineEnd = lf > offset && bytes[lf - 1] == 13 ? lf - 1 : lf
        return Decoded(SSHBanner(line: offset..<lineEnd, end: lf + 1))
    }

    /// True when the bytes up to `end` could be the start of `SSH-`.
    static func isPrefix(_ bytes: ByteView, at offset: Int, end: Int) -> Bool {
        let literal: [UInt8] = [83, 83, 72, 45]
        for i in offset..<end where bytes[i] != literal[i - offset] { return false }
        return true
    }

    /// The protocol version the line announces: 2 for `SSH-2.0` and `SSH-1.99`, 1 for `SSH-1.x`.
    public func majorVersion(_ bytes: ByteView) -> Int? {
        guard line.count >= 7 else { return nil }
        if bytes.hasBytes("SSH-2.", at: line.lowerBound) || bytes.hasBytes("SSH-1.99", at: line.lowerBound) { return 2 }
        if bytes.hasBytes("SSH-1.", at: line.lowerBound) { return 1 }
        return nil
    }
}

/// The binary packet of RFC 4253 §6, in the clear: length, padding length, payload.
public struct SSHPacket: Sendable, Equatable {
    public var offset: Int
    /// `packet_length`: the bytes after this field (padding length, payload, padding).
    public var packetLength: Int
    public var paddingLength: Int
    /// The message code, the first payload byte.
    public var messageCode: UInt8

    /// The packet without a MAC: 4 + packet_length bytes.
    public var end: Int { offset + 4 + packetLength }
    public var payload: Range<Int> { (offset + 5)..<Swift.max(offset + 5, end - paddingLength) }
    public var padding: Range<Int> { Swift.max(offset + 5, end - paddingLength)..<end }

    /// Largest packet accepted before it is taken as encrypted (RFC 4253 asks for 35000).
    public static let maximumLength = 256 * 1024

    /// Reads the packet header at `offset`; nil when the lengths make no sense (encrypted
    /// data, or not SSH); a truncation issue when fewer than six bytes are there.
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<SSHPacket> {
        let end = Swift.min(end, bytes.count)
        let available = Swift.max(end - offset, 0)
        guard offset >= 0, available >= 6 else { return .failed(.truncated(.ssh, needed: 6, available: available)) }
        let length = Int(bytes.u32be(offset))
        let padding = Int(bytes[offset + 4])
        guard length >= 2, length <= maximumLength, padding < length else { return Decoded(nil) }
        return Decoded(SSHPacket(offset: offset, packetLength: length, paddingLength: padding, messageCode: bytes[offset + 5]))
    }

    /// Message codes of RFC 4250 §4.1.
    public enum Code {
        public static let disconnect: UInt8 = 1
        public static let kexInit: UInt8 = 20
        public static let newKeys: UInt8 = 21
    }
}

/// A KEXINIT payload (RFC 4253 §7.1): the cookie and the ten name-lists.
public struct SSHKexInit: Sendable, Equatable {
    public var cookie: Range<Int>
    /// Each name-list's text, after its 4-byte length, in RFC order.
    public var lists: [Range<Int>]
    /// `first_kex_packet_follows`, then the 4 reserved bytes.
    public var firstKexFollows: Int
    public var reserved: Range<Int>

    public static let listNames = [
        "kex_algorithms", "server_host_key_algorithms",
        "encryption_algorithms_client_to_server", "encryption_algorithms_server_to_client",
        "mac_algorithms_client_to_server", "mac_algorithms_server_to_client",
        "compression_algorithms_client_to_server", "compression_algorithms_server_to_client",
        "languages_client_to_server", "languages_server_to_client",
    ]

    /// Decodes the payload after the message code, `payload` starting at the code.
    public static func decode(_ bytes: ByteView, payload: Range<Int>) -> SSHKexInit? {
        let end = Swift.min(payload.upperBound, bytes.count)
        var p = payload.lowerBound + 1
        guard p + 16 <= end else { return nil }
        let cookie = p..<(p + 16)
        p += 16
        var lists: [Range<Int>] = []
        lists.reserveCapacity(10)
        for _ in 0..<10 {
            guard p + 4 <= end else { return nil }
            let n = Int(bytes.u32be(p))
            guard n <= end - p - 4 else { return nil }
            lists.append((p + 4)..<(p + 4 + n))
            p += 4 + n
        }
        guard p + 5 <= end else { return nil }
        return SSHKexInit(cookie: cookie, lists: lists, firstKexFollows: p, reserved: (p + 1)..<(p + 5))
    }
}

/// An SSH `string` (uint32 length, then bytes) at `offset`, or nil when it runs past `end`.
public func sshString(_ bytes: ByteView, at offset: Int, end: Int) -> Range<Int>? {
    guard offset >= 0, offset + 4 <= end, end <= bytes.count else { return nil }
    let n = Int(bytes.u32be(offset))
    guard n <= end - offset - 4 else { return nil }
    return (offset + 4)..<(offset + 4 + n)
}

extension SSHBanner {
    /// Ports where tshark 4.0 decodes SSH without being asked (`tcp.port` 22, 29418).
    public static func isSSHPort(_ port: UInt16) -> Bool { port == 22 || port == 29418 }
}
