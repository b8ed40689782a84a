import Dissect
import Follow

/// `follow --stream N`: a follower that reassembles one TCP stream, wired to its views.
///
/// It runs in one of two ways, with the same output:
/// - **every frame**: a pass decodes and follows every frame (``follower``) and asks
///   ``mayStop`` after each; for live capture, pipes, and capture or display filters;
/// - **selected frames** (``runSelected(_:betweenChunks:)``): a cheap pass numbers every
///   frame's TCP conversation from its raw bytes (``TCPProbe``, ``TCPStreamNumbering``)
///   and only the frames of stream N are decoded and followed. On a file where stream N
///   stays open to the end this skips nearly all the work.
public final class StreamFollow {
    public let stream: Int
    public let follower: Follower
    private let views: [FollowView]
    /// The stream's header was written (some data came, or the conversation ended).
    public private(set) var found = false
    /// The stream's conversation ended: nothing later can belong to it.
    public private(set) var done = false
    /// The selected pass's numbering, once it ran.
    private var numbering: TCPStreamNumbering?

    /// The follower's options for `follow`: the stream's bytes need its reassembly and the
    /// stream numbers, not Wireshark's per-segment analysis, HTTP, TLS records or any
    /// layer above TCP. Nothing else is reassembled, so nothing else shares the
    /// reassembly budget with the stream.
    public static func followerOptions(stream: Int) -> FollowerOptions {
        var options = FollowerOptions()
        options.reassembleStreams = [stream]
        options.trackHTTP = false
        options.trackRecords = false
        options.analyzeSequences = false
        return options
    }

    /// - Parameter selected: true to run ``runSelected(_:betweenChunks:)``.
    public init(stream: Int, views: [FollowView], selected: Bool = false) {
        self.stream = stream
        self.views = views
        var options = Self.followerOptions(stream: stream)
        if selected {
            // The numbering pass decides when the stream ends and which frames are its
            // own; this follower sees only those, on a clock that skips the others, so it
            // must never end the conversation by itself.
            options.firstTCPStream = stream
            options.closedLinger = 1 << 30  // 34 years; counted in nanoseconds, it still fits
            options.tcpIdleTimeout = 1 << 30
            options.udpIdleTimeout = 1 << 30
        }
        let follower = Follower(options: options)
        self.follower = follower
        follower.streamData = { [unowned self] stream, fromA, fromClient, chunk in
            if !found, let c = follower.tcpConversation(stream: stream) {
                for view in views { view.writeHeader(stream: stream, a: c.sideA, b: c.sideB) }
                found = true
            }
            for view in views { view.write(chunk, fromA: fromA, fromClient: fromClient) }
        }
        follower.conversationEnded = { [unowned self] conversation in
            guard case .tcp(let c) = conversation, c.stream == self.stream else { return }
            for view in views { view.writeHeader(stream: c.stream, a: c.sideA, b: c.sideB) }
            found = true
            done = true
        }
    }

    /// After each frame of an every-frame pass: true once no later frame can change the
    /// output (the conversation ended, or it closed and a later stream began).
    public var mayStop: Bool {
        done || stream < follower.tcpStreamCount - 1 && (follower.tcpConversation(stream: stream)?.isClosed ?? false)
    }

    /// The TCP streams numbered so far, for the message when the stream is not in the file.
    public var streamCount: Int { numbering?.streamCount ?? follower.tcpStreamCount }

    /// Reads `reader` to its end, numbering every frame's TCP conversation, and follows
    /// only the frames of the wanted stream, up to where an every-frame pass would stop.
    /// The rest of the file is still read (not decoded), so damage is reported as by any
    /// view. Throws the reader's error after following every frame before it; call
    /// ``Follower/finish()`` afterwards either way.
    /// - Parameter betweenChunks: called every few thousand frames (a progress bar).
    public func runSelected(_ reader: CaptureFileReader, betweenChunks: () -> Void = {}) throws(CaptureFileError) {
        // The same caps and timeouts as the every-frame follower's, so the same numbers.
        let numbering = TCPStreamNumbering(options: Self.followerOptions(stream: stream))
        self.numbering = numbering
        numbering.watch(stream)
        var number = 0
        while let raw = try reader.next() {
            number &+= 1
            if number & 0xFFF == 0 { betweenChunks() }
            if numbering.number(raw, frame: number) == stream {
                _ = follower.process(numbering.decoded(raw, frame: number))
            }
            // Where the every-frame pass stops (see mayStop).
            if numbering.watchedEnded || stream < numbering.streamCount - 1 && numbering.watchedIsClosed {
                while try reader.next() != nil {}
                return
            }
        }
    }
}
