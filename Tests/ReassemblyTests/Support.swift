import Dissect
import Testing
@testable import Follow

/// What came out of a reassembler, with adjacent data chunks merged (as gopacket's
/// tests merge the reassemblies of one step).
enum Out: Equatable, Sendable, CustomStringConvertible {
    case data([UInt8])
    case gap(Int)
    /// Skipped by a cap (`.limitReached`).
    case limit(Int)

    static func text(_ s: String) -> Out { .data(Array(s.utf8)) }

    var description: String {
        switch self {
        case .data(let b):
            if b.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) {
                return "\"\(String(decoding: b, as: UTF8.self))\""
            }
            return "\(b)"
        case .gap(let n): return "gap(\(n))"
        case .limit(let n): return "limit(\(n))"
        }
    }
}

/// One input step.
enum Step: Sendable {
    /// A segment: raw seq, flags, captured payload, and the length per the IP header
    /// (nil: the payload was captured whole).
    case seg(UInt32, TCPFlags, [UInt8], length: Int?, frame: Int)
    case ack(UInt32)
    case finish

    static func syn(_ seq: UInt32, _ payload: String = "", frame: Int = 0) -> Step {
        .seg(seq, .syn, Array(payload.utf8), length: nil, frame: frame)
    }
    static func data(_ seq: UInt32, _ payload: String, _ flags: TCPFlags = [.ack], length: Int? = nil, frame: Int = 0) -> Step {
        .seg(seq, flags, Array(payload.utf8), length: length, frame: frame)
    }
    static func fin(_ seq: UInt32, _ payload: String = "", frame: Int = 0) -> Step {
        .seg(seq, [.fin, .ack], Array(payload.utf8), length: nil, frame: frame)
    }
}

/// Collects what a reassembler's sink receives.
final class Collector {
    var outs: [Out] = []
    var chunks: [(frame: Int?, count: Int)] = []
    /// Base addresses of the views delivered, to tell a view of the frame from a copy.
    var addresses: [UnsafeRawPointer?] = []

    func take(_ chunk: StreamChunk) {
        switch chunk {
        case .data(let frame, let bytes):
            #expect(!bytes.isEmpty, "data chunks are never empty")
            chunks.append((frame, bytes.count))
            addresses.append(bytes.withUnsafeBytes { $0.baseAddress })
            if case .data(let prev)? = outs.last {
                outs[outs.count - 1] = .data(prev + Array(bytes))
            } else {
                outs.append(.data(Array(bytes)))
            }
        case .gap(let n):
            chunks.append((nil, n))
            outs.append(.gap(n))
        case .limitReached(let n, _):
            chunks.append((nil, n))
            outs.append(.limit(n))
        }
    }
}

/// Runs `steps` through one reassembler.
func run(_ steps: [Step], budget: ReassemblyBudget = ReassemblyBudget(),
         maxBuffered: Int = StreamReassembler.defaultMaxBufferedBytes,
         history: Int = StreamReassembler.defaultHistoryBytes,
         each: (StreamReassembler) -> Void = { _ in }) -> (outs: [Out], reassembler: StreamReassembler, collector: Collector) {
    let collector = Collector()
    var r = StreamReassembler(budget: budget, maxBufferedBytes: maxBuffered, maxHistoryBytes: history,
                              sink: collector.take)
    for step in steps {
        apply(step, to: &r)
        each(r)
    }
    return (collector.outs, r, collector)
}

func apply(_ step: Step, to r: inout StreamReassembler) {
    switch step {
    case let .seg(seq, flags, payload, length, frame):
        payload.withUnsafeBytes { raw in
            r.add(seq: seq, flags: flags, payload: ByteView(raw),
                  segmentLength: length ?? payload.count, frame: frame)
        }
    case .ack(let ack):
        r.acknowledged(upTo: ack)
    case .finish:
        r.finish()
    }
}

/// Counters a case checks; nil means "not checked".
struct Want: Sendable {
    var delivered: Int?
    var missing: Int?
    var duplicate: Int?
    var inconsistentBytes: Int? = 0
    var inconsistentSegments: Int?
    var outOfOrder: Int?
    var capHits: Int? = 0
    var beforeStart: Int?
    var afterFIN: Int? = 0

    func mismatches(_ c: ReassemblyCounters) -> [String] {
        var bad: [String] = []
        func check(_ name: String, _ want: Int?, _ got: Int) {
            if let want, want != got { bad.append("\(name): want \(want), got \(got)") }
        }
        check("deliveredBytes", delivered, c.deliveredBytes)
        check("missingBytes", missing, c.missingBytes)
        check("duplicateBytes", duplicate, c.duplicateBytes)
        check("inconsistentBytes", inconsistentBytes, c.inconsistentBytes)
        check("inconsistentSegments", inconsistentSegments, c.inconsistentSegments)
        check("outOfOrderSegments", outOfOrder, c.outOfOrderSegments)
        check("capHits", capHits, c.capHits)
        check("bytesBeforeStart", beforeStart, c.bytesBeforeStart)
        check("bytesAfterFIN", afterFIN, c.bytesAfterFIN)
        return bad
    }
}
