import Dissect
import Follow

/// One segment of a test conversation, raw (absolute) numbers.
struct Segment: Sendable, CustomStringConvertible {
    var fromClient: Bool
    var flags: TCPFlags
    var flagString: String
    var seq: UInt32
    var ack: UInt32
    var window: UInt16
    var length: Int
    var timeMicros: Int64
    var windowScale: UInt8?

    init(_ fromClient: Bool, _ flags: String, _ seq: UInt32, _ ack: UInt32, _ window: UInt16 = 8192,
         _ length: Int = 0, timeMicros: Int64, windowScale: UInt8? = nil) {
        self.fromClient = fromClient
        var f: TCPFlags = []
        for ch in flags {
            switch ch {
            case "F": f.insert(.fin)
            case "S": f.insert(.syn)
            case "R": f.insert(.rst)
            case "P": f.insert(.psh)
            case "A": f.insert(.ack)
            case "U": f.insert(.urg)
            case "N": break  // no flags
            default: preconditionFailure("flag \(ch)")
            }
        }
        self.flags = f
        self.flagString = flags
        self.seq = seq
        self.ack = ack
        self.window = window
        self.length = length
        self.timeMicros = timeMicros
        self.windowScale = windowScale
    }

    var time: Timestamp {
        Timestamp(seconds: 1_700_000_000 + timeMicros / 1_000_000, nanoseconds: UInt32(timeMicros % 1_000_000) * 1000)
    }

    func run(on analyzer: inout TCPSequenceAnalyzer, frame: Int) -> TCPSegmentAnalysis {
        analyzer.analyze(frame: frame, time: time, fromClient: fromClient, flags: flags, seq: seq, ack: ack,
                         window: window, windowScaleOption: windowScale, segmentLength: length)
    }

    var description: String {
        "\(fromClient ? "c" : "s") \(flagString) seq=\(seq) ack=\(ack) win=\(window) len=\(length) t=\(timeMicros)us"
            + (windowScale.map { " ws=\($0)" } ?? "")
    }
}
