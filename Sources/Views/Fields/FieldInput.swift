import Dissect
import Follow

/// Everything a field reads: the frame, what the follower said about it, and the time
/// reference for relative times.
public struct FieldInput {
    public var frame: Frame
    public var analysis: FrameAnalysis
    /// The first frame's timestamp (`frame.time_relative` counts from it).
    public var reference: Timestamp
    /// The previous frame's timestamp (`frame.time_delta`).
    public var previous: Timestamp
    /// The previous displayed frame's timestamp (`frame.time_delta_displayed`, `-t dd`):
    /// a view that filters (`-Y`, `--stream`) sets it to the last frame it showed, or to
    /// this frame's own time before it has shown one. Nil: every frame is shown, so the
    /// previous displayed frame is the previous frame.
    public var previousDisplayed: Timestamp?

    public init(frame: Frame, analysis: FrameAnalysis, reference: Timestamp, previous: Timestamp) {
        self.frame = frame
        self.analysis = analysis
        self.reference = reference
        self.previous = previous
    }

    /// `frame.time_delta_displayed` in nanoseconds.
    public var sincePreviousDisplayed: Int64 {
        frame.raw.timestamp.nanoseconds(since: previousDisplayed ?? previous)
    }
}

/// Writes occurrences of one field, comma-separated as tshark aggregates them.
public struct Occurrences {
    let out: OutputBuffer
    let separator: UInt8
    public private(set) var count = 0

    /// Occurrences separated by NUL bytes in `out`, for callers that split them again.
    public static func collecting(into out: OutputBuffer) -> Occurrences { Occurrences(out, separator: 0) }

    init(_ out: OutputBuffer, separator: UInt8 = 44) {
        self.out = out
        self.separator = separator
    }

    /// Call before writing each occurrence's value.
    public mutating func next() {
        if count > 0 { out.byte(separator) }
        count += 1
    }
}
