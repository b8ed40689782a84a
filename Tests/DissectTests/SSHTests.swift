import Testing
@testable import Dissect

@Suite struct SSHTests {
    typealias V = TransportVectors

    static let banner = Array("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n".utf8)

    /// A KEXINIT packet as RFC 4253 frames it: length, padding length, code 20, cookie,
    /// ten name-lists, first_kex_packet_follows, reserved, padding.
    static let kexInit: [UInt8] = {
        var payload: [UInt8] = [20] + Array(repeating: 0xab, count: 16)
        let lists = ["curve25519-sha256,ecdh-sha2-nistp256", "ssh-ed25519", "aes128-ctr", "aes128-ctr",
                     "hmac-sha2-256", "hmac-sha2-256", "none", "none", "", ""]
        for list in lists {
            let n = UInt32(list.utf8.count)
            payload += [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + Array(list.utf8)
        }
        payload += [0, 0, 0, 0, 0]
        var padding = 8 - (payload.count + 5) % 8
        if padding < 4 { padding += 8 }
        let length = UInt32(1 + payload.count + padding)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff),
                UInt8(padding)] + payload + Array(repeating: 0, count: padding)
    }()

    @Test func bannerLine() throws {
        try V.with(Self.banner) { b in
            let banner = try #require(SSHBanner.decode(b, at: 0, end: b.count).layer)
            #expect(V.string(b, banner.line) == "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10")
            #expect(banner.end == b.count)
            #expect(banner.majorVersion(b) == 2)
        }
        V.with(Array("SSH-1.99-old\n".utf8)) { b in #expect(SSHBanner.decode(b, at: 0, end: b.count).layer?.majorVersion(b) == 2) }
        V.with(Array("SSH-1.5-older\n".utf8)) { b in #expect(SSHBanner.decode(b, at: 0, end: b.count).layer?.majorVersion(b) == 1) }
        V.with(Array("HTTP/1.1 200 OK\r\n".utf8)) { b in
            let d = SSHBanner.decode(b, at: 0, end: b.count)
            #expect(d.layer == nil && d.issue == nil)
        }
    }

    @Test func bannerTruncated() {
        for n in 1..<Self.banner.count {
            V.with(Array(Self.banner.prefix(n))) { b in
                let d = SSHBanner.decode(b, at: 0, end: b.count)
                #expect(d.layer == nil)
                #expect(d.issue?.layer == .ssh)
            }
        }
    }

    @Test func kexInitPacket() throws {
        try V.with(Self.kexInit) { b in
            let packet = try #require(SSHPacket.decode(b, at: 0, end: b.count).layer)
            #expect(packet.end == b.count)
            #expect(packet.messageCode == SSHPacket.Code.kexInit)
            #expect(packet.padding.count == packet.paddingLength)
            let kex = try #require(SSHKexInit.decode(b, payload: packet.payload))
            #expect(kex.cookie.count == 16)
            #expect(kex.lists.count == 10)
            #expect(V.string(b, kex.lists[0]) == "curve25519-sha256,ecdh-sha2-nistp256")
            #expect(V.string(b, kex.lists[4]) == "hmac-sha2-256")
            #expect(kex.lists[9].isEmpty)
            #expect(b[kex.firstKexFollows] == 0)
        }
    }

    /// Cut at every length: fewer than six bytes is a truncation issue; after that the
    /// header reads, and the name-lists read only when every one of them is there.
    @Test func kexInitTruncatedAtEveryBoundary() {
        for n in 0..<Self.kexInit.count {
            V.with(Array(Self.kexInit.prefix(n))) { b in
                let d = SSHPacket.decode(b, at: 0, end: b.count)
                if n < 6 {
                    #expect(d.issue == .truncated(.ssh, needed: 6, available: n))
                    return
                }
                guard let packet = d.layer else { Issue.record("no packet at \(n)"); return }
                #expect(packet.end > b.count)
                let kex = SSHKexInit.decode(b, payload: packet.payload)
                let payloadEnd = Self.kexInit.count - Int(Self.kexInit[4])
                #expect((kex != nil) == (n >= payloadEnd))
            }
        }
    }

    @Test func encryptedLengthsAreNotPackets() {
        V.with([0xde, 0xad, 0xbe, 0xef, 0x10, 0x20, 0x30]) { b in
            #expect(SSHPacket.decode(b, at: 0, end: b.count).layer == nil)
        }
        V.with([0, 0, 0, 12, 20, 21, 0, 0]) { b in  // padding longer than the packet
            #expect(SSHPacket.decode(b, at: 0, end: b.count).layer == nil)
        }
    }

    @Test func sshStrings() {
        V.with([0, 0, 0, 3, 97, 98, 99, 0, 0, 0, 9]) { b in
            #expect(sshString(b, at: 0, end: b.count) == 4..<7)
            #expect(sshString(b, at: 7, end: b.count) == nil)
            #expect(sshString(b, at: 9, end: b.count) == nil)
        }
    }
}
