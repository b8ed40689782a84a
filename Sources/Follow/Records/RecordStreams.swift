import Dissect

/// The TLS records or SSH packets one frame shows, after stream reassembly: Wireshark
/// shows a PDU on the frame that completes it. Kept out of line in ``FrameAnalysis``
/// (a reference): only frames of TLS and SSH conversations have one.
public final class StreamRecords: @unchecked Sendable {
    /// One complete PDU: in this frame's bytes, or reassembled from earlier segments.
    public enum PDU {
        /// Offsets in the frame's bytes.
        case frame(Range<Int>)
        /// Bytes copied out of the earlier segments and this one; `frames` lists the
        /// frames and how many bytes each gave (`#5(1448), #6(653)`).
        case reassembled(ByteView, frames: [(frame: Int, bytes: Int)])
    }

    /// `.tls` or `.ssh`.
    public let layer: Layer
    public internal(set) var pdus: [PDU] = []
    /// A PDU starts in this frame and a later frame completes it.
    public internal(set) var startsPDU = false
    /// SSH: the rest of the frame after the complete packets is encrypted data.
    public internal(set) var encryptedTail: Range<Int>?
    /// The bytes of this frame that belong to a PDU shown in another frame (the end of one
    /// begun earlier, the start of one completed later): tshark's "TCP segment data".
    public internal(set) var segmentData: [Range<Int>] = []
    /// The frame comes from the client (for SSH, the side that talks to the SSH port).
    public internal(set) var fromClient: Bool
    /// The conversation's state before this frame.
    public let before: RecordSessionState
    private var storage: [UnsafeMutableRawBufferPointer] = []

    init(layer: Layer, fromClient: Bool, before: RecordSessionState) {
        self.layer = layer
        self.fromClient = fromClient
        self.before = before
    }

    deinit {
        for buffer in storage { buffer.deallocate() }
    }

    /// Keeps a copy of `bytes` alive as long as this object and returns a view of it.
    func own(_ bytes: [UInt8]) -> ByteView {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
        storage.append(buffer)
        return ByteView(start: buffer.baseAddress, count: bytes.count)
    }
}

/// What a TLS or SSH conversation had established before a frame: what Wireshark keeps
/// in its per-conversation data and uses to name what the next frame shows.
public struct RecordSessionState: Sendable {
    /// TLS: the version the ServerHello chose; nil before it.
    public var tlsVersion: UInt16?
    /// TLS: a ChangeCipherSpec was seen from the client / the server (later handshake
    /// records from that side are encrypted).
    public var clientChangedCipher = false
    public var serverChangedCipher = false
    /// SSH: the version a banner announced (2 for SSH-2.0), nil before any banner.
    public var sshVersion: Int?
    /// SSH: the key exchange method both KEXINITs agree on.
    public var kexMethod: String?
    /// SSH: the encryption algorithms each side chose (client to server, server to client).
    public var encryptionClientToServer: String?
    public var encryptionServerToClient: String?
    /// SSH: the MAC algorithms each side chose.
    public var macClientToServer: String?
    public var macServerToClient: String?
    /// SSH: binary packets in the clear seen from the client / the server (their sequence numbers).
    public var clientPackets = 0
    public var serverPackets = 0
    /// SSH: NEWKEYS was seen from the client / server: what follows is encrypted.
    public var clientNewKeys = false
    public var serverNewKeys = false
    public init() {}
}

/// Finds TLS record or SSH packet boundaries in both directions of a TCP conversation,
/// fed the in-order bytes of its reassembled streams.
final class RecordTracker {
    let layer: Layer
    private var state = RecordSessionState()
    private var clientPending: [UInt8] = []
    private var serverPending: [UInt8] = []
    private var clientPendingFrames: [(frame: Int, bytes: Int)] = []
    private var serverPendingFrames: [(frame: Int, bytes: Int)] = []
    private var clientKexList: [String]?
    private var serverKexList: [String]?
    private var clientEncryption: [[String]]?
    private var serverEncryption: [[String]]?
    /// SSH: the banner of each side was read.
    private var clientBanner = false
    private var serverBanner = false
    /// The records of the frame being fed.
    private var current: StreamRecords?
    private var currentFrame = 0
    private var currentPayload: Range<Int> = 0..<0
    private var currentFromClient = true
    /// Set when the data stopped making sense (not TLS after all) or the budget ran out: stop looking.
    private(set) var abandoned = false
    /// Largest PDU buffered before giving up on a direction.
    static let maxPDU = 1 << 20

    /// The follower's shared memory budget: PDUs in progress are charged to it, and a
    /// tracker refused a reservation stops tracking (its frames show as plain TCP).
    private let budget: ReassemblyBudget?
    private var charged = 0

    init(layer: Layer, budget: ReassemblyBudget? = nil) {
        self.layer = layer
        self.budget = budget
    }

    deinit {
        if charged > 0 { budget?.releaseBuffer(charged) }
    }

    /// Charges the bytes held in progress to the budget, or gives up when refused.
    private func rebalance() {
        guard let budget else { return }
        let held = clientPending.count + serverPending.count
        if held > charged {
            if budget.reserveBuffer(held - charged) {
                charged = held
            } else {
                abandoned = true
                clientPending = []
                serverPending = []
                if charged > 0 { budget.releaseBuffer(charged) }
                charged = 0
            }
        } else if held < charged {
            budget.releaseBuffer(charged - held)
            charged = held
        }
    }

    /// Starts a frame: `payload` is where its TCP payload lies in the frame's bytes.
    func begin(frame: Int, payload: Range<Int>, fromClient: Bool) {
        currentFrame = frame
        currentPayload = payload
        currentFromClient = fromClient
        current = nil
    }

    /// The frame's records, made when the first bytes arrive: ACKs allocate nothing.
    private func records() -> StreamRecords {
        if let current { return current }
        let made = StreamRecords(layer: layer, fromClient: currentFromClient, before: state)
        current = made
        return made
    }

    /// Ends the frame: what it showed, or nil when it showed nothing of its own.
    func end() -> StreamRecords? {
        defer { current = nil }
        return current
    }

    /// In-order bytes of one direction, from frame `frame`.
    func consume(_ bytes: ByteView, frame: Int, fromClient: Bool) {
        guard !abandoned, !bytes.isEmpty else { return }
        defer { rebalance() }
        let records = records()
        // The chunk lies in this frame's payload when it is the segment itself.
        let inFrame = frame == currentFrame && bytes.count <= currentPayload.count
        let base = currentPayload.upperBound - bytes.count
        var i = 0
        if fromClient ? !clientPending.isEmpty : !serverPending.isEmpty {
            var pending = fromClient ? clientPending : serverPending
            var frames = fromClient ? clientPendingFrames : serverPendingFrames
            // Complete the PDU in progress (its header may itself be split).
            while i < bytes.count {
                guard let total = pduLength(pending, fromClient: fromClient) else {
                    pending.append(bytes[i])
                    i += 1
                    continue
                }
                let take = min(total - pending.count, bytes.count - i)
                bytes.slice(i..<(i + take)).withUnsafeBytes { pending.append(contentsOf: $0) }
                i += take
                break
            }
            frames.append((frame, i))
            if inFrame { records.segmentData.append(base..<(base + i)) }
            if let total = pduLength(pending, fromClient: fromClient), pending.count >= total {
                let view = records.own(pending)
                records.pdus.append(.reassembled(view, frames: frames))
                observe(view, 0..<view.count, fromClient: fromClient)
                pending.removeAll(keepingCapacity: false)
                frames.removeAll()
            } else if pending.count > Self.maxPDU {
                abandoned = true
            }
            store(pending, frames, fromClient: fromClient)
            if i >= bytes.count { return }
        }
        while i < bytes.count {
            if layer == .ssh, fromClient ? state.clientNewKeys : state.serverNewKeys {
                // Encrypted: the lengths are hidden, the rest of the segment is one blob.
                if inFrame { records.encryptedTail = (base + i)..<(base + bytes.count) }
                return
            }
            let rest = bytes.slice(i..<bytes.count)
            guard let total = pduLength(rest, fromClient: fromClient) else {
                if !plausibleStart(rest, fromClient: fromClient) {
                    abandoned = layer == .tls
                    return
                }
                if inFrame { records.segmentData.append((base + i)..<(base + bytes.count)) }
                startPending(rest, frame: frame, records: records, fromClient: fromClient)
                return
            }
            guard total <= rest.count else {
                if inFrame { records.segmentData.append((base + i)..<(base + bytes.count)) }
                startPending(rest, frame: frame, records: records, fromClient: fromClient)
                return
            }
            if inFrame {
                records.pdus.append(.frame((base + i)..<(base + i + total)))
                observe(bytes, i..<(i + total), fromClient: fromClient)
            } else {
                var copy: [UInt8] = []
                rest.slice(0..<total).withUnsafeBytes { copy.append(contentsOf: $0) }
                let view = records.own(copy)
                records.pdus.append(.reassembled(view, frames: [(frame, total)]))
                observe(view, 0..<total, fromClient: fromClient)
            }
            i += total
        }
    }

    private func store(_ pending: [UInt8], _ frames: [(frame: Int, bytes: Int)], fromClient: Bool) {
        if fromClient {
            clientPending = pending
            clientPendingFrames = frames
        } else {
            serverPending = pending
            serverPendingFrames = frames
        }
    }

    private func startPending(_ rest: ByteView, frame: Int, records: StreamRecords, fromClient: Bool) {
        var copy: [UInt8] = []
        rest.withUnsafeBytes { copy.append(contentsOf: $0) }
        records.startsPDU = true
        store(copy, [(frame, rest.count)], fromClient: fromClient)
    }

    /// The whole length of the PDU starting at `bytes[0]`, or nil while its header is incomplete.
    private func pduLength(_ bytes: ByteView, fromClient: Bool) -> Int? {
        switch layer {
        case .tls:
            guard bytes.count >= TLSRecord.headerLength else { return nil }
            guard TLSRecord.isHeader(bytes, at: 0) else { return nil }
            return TLSRecord.headerLength + Int(bytes.u16be(3))
        default:
            if !(fromClient ? clientBanner : serverBanner) {
                guard let lf = bytes.firstIndex(of: 10, in: 0..<bytes.count) else { return nil }
                return lf + 1
            }
            guard bytes.count >= 4 else { return nil }
            let length = Int(bytes.u32be(0))
            guard length <= SSHPacket.maximumLength else { return bytes.count }
            return 4 + length
        }
    }

    private func pduLength(_ bytes: [UInt8], fromClient: Bool) -> Int? {
        bytes.withUnsafeBytes { pduLength(ByteView($0), fromClient: fromClient) }
    }

    /// Whether an incomplete header could still become a PDU.
    private func plausibleStart(_ bytes: ByteView, fromClient: Bool) -> Bool {
        switch layer {
        case .tls:
            guard bytes.count >= 1 else { return false }
            if bytes.count >= TLSRecord.headerLength { return false }
            let t = bytes[0]
            return t >= 20 && t <= 24 && (bytes.count < 2 || bytes[1] == 3)
        default:
            return true
        }
    }

    /// Updates the session state from one complete PDU.
    private func observe(_ bytes: ByteView, _ range: Range<Int>, fromClient: Bool) {
        switch layer {
        case .tls: observeTLS(bytes, range, fromClient: fromClient)
        default: observeSSH(bytes, range, fromClient: fromClient)
        }
    }

    private func observeTLS(_ bytes: ByteView, _ range: Range<Int>, fromClient: Bool) {
        guard let record = TLSRecord.decode(bytes, at: range.lowerBound, end: range.upperBound).layer else { return }
        switch record.contentType {
        case TLSRecord.ContentType.changeCipherSpec:
            if fromClient { state.clientChangedCipher = true } else { state.serverChangedCipher = true }
        case TLSRecord.ContentType.handshake:
            if fromClient ? state.clientChangedCipher : state.serverChangedCipher { return }
            var messages = TLSHandshake.Iterator(bytes, body: record.body)
            while let m = messages.next() {
                if m.type == TLSHandshake.Kind.serverHello, let hello = TLSHello.decode(bytes, body: m.body, isClient: false) {
                    state.tlsVersion = hello.negotiatedVersion(bytes)
                }
            }
        default:
            break
        }
    }

    private func observeSSH(_ bytes: ByteView, _ range: Range<Int>, fromClient: Bool) {
        if !(fromClient ? clientBanner : serverBanner) {
            if fromClient { clientBanner = true } else { serverBanner = true }
            // The client's banner names the version (tshark 4.0 takes it from the client only).
            if fromClient, let banner = SSHBanner.decode(bytes, at: range.lowerBound, end: range.upperBound).layer,
               state.sshVersion == nil {
                state.sshVersion = banner.majorVersion(bytes)
            }
            return
        }
        guard let packet = SSHPacket.decode(bytes, at: range.lowerBound, end: range.upperBound).layer else { return }
        if fromClient { state.clientPackets += 1 } else { state.serverPackets += 1 }
        switch packet.messageCode {
        case SSHPacket.Code.kexInit:
            guard let kex = SSHKexInit.decode(bytes, payload: packet.payload) else { return }
            let names = Self.names(bytes, kex.lists[0])
            let encryption = (2...5).map { Self.names(bytes, kex.lists[$0]) }
            if fromClient {
                clientKexList = names
                clientEncryption = encryption
            } else {
                serverKexList = names
                serverEncryption = encryption
            }
            // The first of the client's choices that the server also offers (RFC 4253 §7.1).
            if let c = clientKexList, let s = serverKexList {
                state.kexMethod = c.first { s.contains($0) }
            }
            if let c = clientEncryption, let s = serverEncryption {
                state.encryptionClientToServer = c[0].first { s[0].contains($0) }
                state.encryptionServerToClient = c[1].first { s[1].contains($0) }
                state.macClientToServer = c[2].first { s[2].contains($0) }
                state.macServerToClient = c[3].first { s[3].contains($0) }
            }
        case SSHPacket.Code.newKeys:
            if fromClient { state.clientNewKeys = true } else { state.serverNewKeys = true }
        default:
            break
        }
    }

    static func names(_ bytes: ByteView, _ range: Range<Int>) -> [String] {
        String(decoding: bytes.slice(range), as: UTF8.self).split(separator: ",").map(String.init)
    }
}
