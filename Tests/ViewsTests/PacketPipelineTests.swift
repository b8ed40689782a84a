import Dissect
import Foundation
import Follow
import Testing
import Views

/// The pipeline must give the view exactly what the one-thread loop gives.
struct PacketPipelineTests {
    /// Every fixture, several times over (more frames than the batches in flight hold),
    /// with a 1.5 MB frame now and then (larger than a batch's arena), and optionally an
    /// error after `failAfter` frames.
    final class FrameSource {
        private var readers: [CaptureFileReader] = []
        private var produced = 0
        private let failAfter: Int?
        private let big: UnsafeMutableRawBufferPointer

        init(rounds: Int = 4, failAfter: Int? = nil) throws {
            let files = Paths.files(in: Paths.fixtures, suffixes: [".pcap", ".pcapng"])
            for _ in 0..<rounds {
                for file in files { readers.append(try CaptureFileReader(path: file.path)) }
            }
            self.failAfter = failAfter
            big = .allocate(byteCount: 1_500_000, alignment: 16)
            for i in 0..<big.count { big[i] = UInt8(truncatingIfNeeded: i &* 31) }
        }

        deinit { big.deallocate() }

        func next() throws(CaptureFileError) -> RawFrame? {
            produced += 1
            if let failAfter, produced > failAfter {
                throw .truncatedRecord(packet: produced, offset: 1234, needed: 16, available: 3)
            }
            if produced % 701 == 0 {
                return RawFrame(bytes: ByteView(UnsafeRawBufferPointer(big)),
                                timestamp: Timestamp(seconds: 1_700_000_000, nanoseconds: 0),
                                originalLength: big.count, linkType: .ethernet, fileOffset: 1)
            }
            while let reader = readers.first {
                if let raw = try reader.next() { return raw }
                readers.removeFirst()
            }
            return nil
        }
    }

    /// Every 5th frame rejected, as a capture filter would.
    static func accept(_ raw: RawFrame) -> Bool { raw.fileOffset % 5 != 0 }

    /// The summary line and the follower's numbers of every frame the view sees.
    static func render(_ input: FieldInput, to out: OutputBuffer) {
        SummaryLine().write(input, to: out)
        out.decimal(input.frame.number)
        out.byte(32)
        out.decimal(input.frame.bytes.count)
        out.byte(32)
        out.decimal(input.analysis.tcpStream ?? -1)
        out.byte(32)
        out.decimal(input.analysis.relativeSeq)
        // The layers and issues too: with the view on the caller, the layers above the
        // transport are decoded there, after the follower.
        for layer in input.frame.protocols {
            out.byte(32)
            out.decimal(layer.rawValue)
        }
        out.byte(32)
        out.decimal(input.frame.issues.count)
        out.byte(10)
    }

    static func oneThread(_ source: FrameSource, stopAfter: Int = .max) -> (String, CaptureFileError?) {
        let out = OutputBuffer(fileDescriptor: nil)
        var loop = PacketLoop()
        var seen = 0
        do {
            while let raw = try source.next() {
                loop.process(raw, accept: accept) { render($0, to: out); seen += 1 }
                if seen >= stopAfter { break }
            }
        } catch {
            return (out.text, error)
        }
        return (out.text, nil)
    }

    /// The pipeline's ways of running.
    enum Mode: CaseIterable {
        case viewOnCaller, viewOnWorker, unbatched
    }

    static func pipelined(_ source: FrameSource, _ mode: Mode, stopAfter: Int = .max) -> (String, CaptureFileError?) {
        let out = OutputBuffer(fileDescriptor: nil)
        let pipeline = PacketPipeline(loop: PacketLoop(), next: source.next, accept: accept,
                                      batching: mode != .unbatched)
        var seen = 0
        do {
            try pipeline.run(viewOn: mode == .viewOnWorker ? .worker : .caller) { input in
                render(input, to: out)
                seen += 1
                return seen < stopAfter
            }
        } catch {
            return (out.text, error)
        }
        return (out.text, nil)
    }

    @Test(arguments: Mode.allCases)
    func givesTheViewWhatTheLoopGives(mode: Mode) throws {
        let (expected, expectedError) = Self.oneThread(try FrameSource())
        let (text, error) = Self.pipelined(try FrameSource(), mode)
        #expect(expectedError == nil && error == nil)
        // More frames than the four batches of 512 in flight hold (two lines per frame).
        #expect(expected.split(separator: "\n").count > 2 * 2048)
        #expect(text == expected)
    }

    @Test(arguments: Mode.allCases)
    func stopsWhenTheViewHasEnough(mode: Mode) throws {
        for stop in [1, 511, 512, 513, 1500] {
            // At most one frame in five is rejected, so the error comes well after the stop.
            let failAfter = 2 * stop + 10
            let (expected, _) = Self.oneThread(try FrameSource(), stopAfter: stop)
            let (text, error) = Self.pipelined(try FrameSource(failAfter: failAfter), mode, stopAfter: stop)
            #expect(error == nil, "stopped at \(stop) before the error")
            #expect(text == expected)
            // Two lines per frame: the summary and the numbers.
            #expect(text.split(separator: "\n").count == 2 * stop)
        }
    }

    @Test(arguments: Mode.allCases)
    func reportsTheErrorAfterTheFramesBeforeIt(mode: Mode) throws {
        for failAfter in [0, 1, 700, 2047, 2500] {
            let (expected, expectedError) = Self.oneThread(try FrameSource(failAfter: failAfter))
            let (text, error) = Self.pipelined(try FrameSource(failAfter: failAfter), mode)
            #expect(expectedError != nil)
            #expect(error == expectedError)
            #expect(text == expected)
        }
    }

    /// With frame 1 rejected by a capture filter, the first frame followed has no previous
    /// frame: its `frame.time_delta` is 0, not its whole timestamp.
    @Test func firstFrameFollowedIsItsOwnPrevious() throws {
        let source = try FrameSource(rounds: 1)
        var loop = PacketLoop()
        var number = 0
        var deltas: [Int64] = []
        while let raw = try source.next(), deltas.count < 3 {
            number += 1
            loop.process(raw, accept: { _ in number > 1 }) { input in
                deltas.append(input.frame.raw.timestamp.nanoseconds(since: input.previous))
            }
        }
        #expect(deltas.count == 3)
        #expect(deltas[0] == 0)
    }

    /// From a pipe, each frame reaches the view before the next is read.
    @Test func unbatchedHoldsNoFrameBack() throws {
        let source = try FrameSource(rounds: 1)
        var reads = 0
        let pipeline = PacketPipeline(loop: PacketLoop(), next: { () throws(CaptureFileError) -> RawFrame? in
            reads += 1
            return try source.next()
        }, batching: false)
        var seen = 0
        try pipeline.run { _ in
            seen += 1
            #expect(reads == seen)
            return seen < 10
        }
        #expect(seen == 10)
    }
}
