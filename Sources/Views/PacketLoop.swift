import Dissect
import Follow

/// The one pipeline every view uses: source → decoder → follower → view.
public struct PacketLoop {
    public let follower: Follower
    private var reference: Timestamp?
    private var previous = Timestamp.zero
    private var number = 0
    /// Reused for every frame: decoding writes into it in place.
    private var input = FieldInput(frame: Frame(number: 0, raw: RawFrame(bytes: .empty, timestamp: .zero, originalLength: 0, linkType: .ethernet)),
                                   analysis: FrameAnalysis(), reference: .zero, previous: .zero)

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
        FrameDecoder.decode(raw, number: number, into: &input.frame)
        input.analysis = follower.process(input.frame)
        let ref = reference ?? raw.timestamp
        reference = ref
        input.reference = ref
        input.previous = number == 1 ? raw.timestamp : previous
        defer { previous = raw.timestamp }
        return try body(input)
    }
}
