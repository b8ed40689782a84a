import Foundation

/// Builds small pcap files of Ethernet/IPv4/TCP frames for tests of hostile inputs that
/// are too large to commit (checksums are left 0: tcpwatch does not check them).
struct GeneratedCapture {
    static let client: [UInt8] = [10, 0, 0, 1], server: [UInt8] = [10, 0, 0, 2]
    static let clientPort = 40000, serverPort = 80
    private(set) var frames: [[UInt8]] = []

    static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
    static func be32(_ v: Int) -> [UInt8] { be16(v >> 16) + be16(v & 0xffff) }
    static func le32(_ v: Int) -> [UInt8] { be32(v).reversed() }

    /// One TCP segment, from the client unless `fromServer`.
    mutating func segment(fromServer: Bool = false, seq: Int, ack: Int, flags: UInt8, payload: [UInt8] = []) {
        let (src, dst) = fromServer ? (Self.server, Self.client) : (Self.client, Self.server)
        let (sport, dport) = fromServer ? (Self.serverPort, Self.clientPort) : (Self.clientPort, Self.serverPort)
        let tcp = Self.be16(sport) + Self.be16(dport) + Self.be32(seq) + Self.be32(ack) + [0x50, flags]
            + Self.be16(65535) + [0, 0, 0, 0] + payload
        let ip: [UInt8] = [0x45, 0] + Self.be16(20 + tcp.count) + [0, 0, 0x40, 0, 64, 6, 0, 0] + src + dst
        frames.append([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0] + ip + tcp)
    }

    /// SYN (client ISN 1000), SYN-ACK (server ISN 5000), ACK: data starts at 1001 and 5001.
    mutating func handshake() {
        segment(seq: 1000, ack: 0, flags: 0x02)
        segment(fromServer: true, seq: 5000, ack: 1001, flags: 0x12)
        segment(seq: 1001, ack: 5001, flags: 0x10)
    }

    /// A pcap file (microseconds, Ethernet) of the frames, one microsecond apart.
    var data: Data {
        var bytes: [UInt8] = Self.le32(0xA1B2C3D4) + [2, 0, 4, 0] + Self.le32(0) + Self.le32(0) + Self.le32(262_144) + Self.le32(1)
        for (i, f) in frames.enumerated() {
            bytes += Self.le32(1_700_000_000 + i / 1_000_000) + Self.le32(i % 1_000_000) + Self.le32(f.count) + Self.le32(f.count) + f
        }
        return Data(bytes)
    }
}
