/// A Virtual Router Redundancy Protocol advertisement (RFC 3768 version 2, RFC 5798
/// version 3), read in place from the IP payload.
public struct VRRP: Sendable {
    public var offset: Int
    /// The end of the captured message.
    public var end: Int
    /// The length the IP header declares for it.
    public var declaredLength: Int
    public var version: UInt8
    public var type: UInt8
    public var virtualRouterID: UInt8
    public var priority: UInt8
    public var addressCount: Int
    /// Version 2: the authentication type (byte 4) and the advertisement interval in
    /// seconds (byte 5); version 3: 0 and the 12-bit interval in centiseconds.
    public var authType: UInt8
    public var advertisementInterval: UInt16
    public var checksum: UInt16
    public static let headerLength = 8

    /// Where the addresses start; each is 4 bytes over IPv4 and 16 over IPv6.
    public var addresses: Int { offset + VRRP.headerLength }

    public static func decode(_ bytes: ByteView, at offset: Int, end: Int, declaredLength: Int) -> Decoded<VRRP> {
        let end = Swift.min(end, bytes.count)
        guard offset >= 0, offset < end else { return Decoded(nil) }
        guard end - offset >= headerLength else {
            return .failed(.truncated(.vrrp, needed: headerLength, available: end - offset))
        }
        let version = bytes[offset] >> 4
        let v3 = version == 3
        return Decoded(VRRP(
            offset: offset, end: end, declaredLength: declaredLength, version: version, type: bytes[offset] & 0x0F,
            virtualRouterID: bytes[offset + 1], priority: bytes[offset + 2], addressCount: Int(bytes[offset + 3]),
            authType: v3 ? 0 : bytes[offset + 4],
            advertisementInterval: v3 ? bytes.u16be(offset + 4) & 0x0FFF : UInt16(bytes[offset + 5]),
            checksum: bytes.u16be(offset + 6)))
    }
}
