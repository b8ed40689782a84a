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
        number += 1
        guard accept(raw) else { return nil }
        let ref = reference ?? raw.timestamp
        reference = ref
        let prev = number == 1 ? raw.timestamp : previous
        previous = raw.timestamp
        FrameDecoder.decode(raw, number: number, into: frame, depth: depth)
        let input = FieldInput(frame: frame, analysis: follower.process(frame), reference: ref, previous: prev)
        return try body(input)
    }
}
