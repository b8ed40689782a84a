import Dissect
import Follow

/// The one pipeline every view uses: source → decoder → follower → view.
public struct PacketLoop {
    public let follower: Follower
    private var reference: Timestamp?
    private var previous = Timestamp.zero
    private var number = 0
    /// Reused for every frame: the decoder writes into it in place.
    private let frame = Frame()
    /// Views that only list conversations need no layer above the transport.
    public var depth = FrameDecoder.Depth.application

    public init(follower: Follower = Follower()) {
        self.follower = follower
    }

    /// Decodes and follows one raw frame, and hands the result to `body`.
    /// `accept` sees the raw frame first (for BPF filters); rejected frames keep their
    /// number but are not decoded or followed.
    public mutating func process<R>(_ raw: RawFrame, accept: (RawFrame) -> Bool = { _ in true },
                                    _ body: (FieldInput) throws -> R) rethrows -> R? {
        guard accept(raw) else {
            skip()
            return nil
        }
        return try body(follow(raw, into: frame))
    }

    /// Counts frames that a capture filter rejected: the frames after them keep their numbers.
    public mutating func skip(_ frames: Int = 1) { number += frames }

    /// Decodes one raw frame into `frame` and follows it. The result is valid while the
    /// raw frame's bytes are and until `frame` is decoded into again.
    public mutating func follow(_ raw: RawFrame, into frame: Frame) -> FieldInput {
        let times = decode(raw, into: frame)
        return FieldInput(frame: frame, analysis: follower.process(frame), reference: times.reference, previous: times.previous)
    }

    /// Numbers and decodes one raw frame into `frame`, which the follower must see next
    /// (``PacketPipeline`` may do that on another thread).
    public mutating func decode(_ raw: RawFrame, into frame: Frame) -> FrameTimes {
        number += 1
        // The first frame followed is its own previous, even when a filter rejected frame 1.
        let prev = reference == nil ? raw.timestamp : previous
        let ref = reference ?? raw.timestamp
        reference = ref
        previous = raw.timestamp
        FrameDecoder.decode(raw, number: number, into: frame, depth: depth, fragments: follower.fragments)
        return FrameTimes(reference: ref, previous: prev)
    }
}

/// The timestamps a frame's time columns count from.
public struct FrameTimes: Sendable {
    /// The first frame's (`frame.time_relative`).
    public var reference: Timestamp
    /// The previous frame's (`frame.time_delta`).
    public var previous: Timestamp
}
