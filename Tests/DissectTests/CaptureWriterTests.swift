import Foundation
import Testing
@testable import Dissect

@Suite struct CaptureWriterTests {
    struct Frame {
        var bytes: [UInt8]
        var timestamp: Timestamp
        var originalLength: Int
        var interface: Int
    }

    static let frames: [Frame] = [
        Frame(bytes: Capture.payload(60), timestamp: Timestamp(seconds: 1_700_000_000, nanoseconds: 123_456_789), originalLength: 60, interface: 0),
        Frame(bytes: Capture.payload(1), timestamp: Timestamp(seconds: 0, nanoseconds: 999_999_999), originalLength: 1514, interface: 1),
        Frame(bytes: [], timestamp: Timestamp(seconds: 4_000_000_000, nanoseconds: 1000), originalLength: 0, interface: 0),
        Frame(bytes: Capture.payload(3001, seed: 7), timestamp: Timestamp(seconds: 7_258_118_400, nanoseconds: 5), originalLength: 3001, interface: 1),
    ]

    static func temporaryPath() -> String { NSTemporaryDirectory() + "tcpwatch-write-\(UUID().uuidString)" }

    @Test(arguments: [true, false])
    func pcapRoundTrip(nanosecond: Bool) throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let frames = Self.frames.prefix(3)
        do {
            let writer = try PcapWriter(path: path, linkType: .linuxSLL2, snapLength: 262_144, nanosecond: nanosecond)
            for f in frames {
                f.bytes.withUnsafeBytes { buffer in
                    #expect(throws: Never.self) {
                        try writer.write(bytes: ByteView(buffer), timestamp: f.timestamp, originalLength: f.originalLength)
                    }
                }
            }
            try writer.flush()
            #expect(writer.framesWritten == 3)
        }
        let r = Capture.read(path: path)
        #expect(r.error == nil)
        #expect(r.format == (nanosecond ? .pcapNanosecond : .pcap))
        #expect(r.interfaces == [CaptureInterface(linkType: .linuxSLL2, snapLength: 262_144,
                                                  timestampResolution: nanosecond ? .nanoseconds : .microseconds)])
        #expect(r.frames.map(\.bytes) == frames.map(\.bytes))
        #expect(r.frames.map(\.originalLength) == frames.map(\.originalLength))
        #expect(r.frames.map(\.timestamp) == frames.map { f in
            nanosecond ? f.timestamp : Timestamp(seconds: f.timestamp.seconds, nanoseconds: f.timestamp.nanoseconds / 1000 * 1000)
        })
    }

    @Test func pcapWriterCutsToTheSnapshotLength() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let writer = try PcapWriter(path: path, linkType: .ethernet, snapLength: 10)
            try Capture.payload(50).withUnsafeBytes { buffer in
                try writer.write(RawFrame(bytes: ByteView(buffer), timestamp: .zero, originalLength: 50, linkType: .ethernet))
            }
        }
        let r = Capture.read(path: path)
        #expect(r.frames.first?.bytes == Capture.payload(10))
        #expect(r.frames.first?.originalLength == 50)
    }

    @Test func pcapngRoundTrip() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let interfaces = [
            CaptureInterface(linkType: .ethernet, snapLength: 262_144, name: "eth0", description: "first"),
            CaptureInterface(linkType: .linuxSLL2, snapLength: 65535, name: "any"),
        ]
        do {
            let writer = try PcapngWriter(path: path, interfaces: interfaces)
            for f in Self.frames {
                try f.bytes.withUnsafeBytes { buffer in
                    try writer.write(bytes: ByteView(buffer), timestamp: f.timestamp, originalLength: f.originalLength,
                                     interface: f.interface)
                }
            }
            #expect(throws: CaptureWriteError.unknownInterface(2, count: 2)) {
                try writer.write(bytes: .empty, timestamp: .zero, originalLength: 0, interface: 2)
            }
            try writer.flush()
        }
        let r = Capture.read(path: path)
        #expect(r.error == nil)
        #expect(r.format == .pcapng)
        #expect(r.interfaces == interfaces.map { i in
            var i = i
            i.timestampResolution = .nanoseconds
            return i
        })
        #expect(r.frames.map(\.bytes) == Self.frames.map(\.bytes))
        #expect(r.frames.map(\.timestamp) == Self.frames.map(\.timestamp))
        #expect(r.frames.map(\.originalLength) == Self.frames.map(\.originalLength))
        #expect(r.frames.map(\.interfaceID) == Self.frames.map(\.interface))
        #expect(r.frames.map(\.linkType) == Self.frames.map { interfaces[$0.interface].linkType })
    }

    /// Copies a real capture frame by frame and compares the copy with the original.
    @Test func copiesACorpusFile() throws {
        let source = CaptureCorpusTests.corpus.appendingPathComponent("pcapng/zeek__pcapng-multi-interface.pcapng").path
        guard FileManager.default.fileExists(atPath: source) else {
            print("copiesACorpusFile skipped: no corpus at \(source)")
            return
        }
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let original = Capture.read(path: source)
        #expect(original.error == nil)
        do {
            let reader = try CaptureFileReader(path: source)
            let writer = try PcapngWriter(path: path, interfaces: reader.interfaces)
            while let frame = try reader.next() { try writer.write(frame) }
            try writer.flush()
        }
        let copy = Capture.read(path: path)
        #expect(copy.error == nil)
        #expect(copy.frames.map(\.bytes) == original.frames.map(\.bytes))
        #expect(copy.frames.map(\.timestamp) == original.frames.map(\.timestamp))
        #expect(copy.frames.map(\.interfaceID) == original.frames.map(\.interfaceID))
        #expect(copy.interfaces.map(\.linkType) == original.interfaces.map(\.linkType))
    }

    @Test func diskFull() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
        let writer = try PcapWriter(path: "/dev/full", linkType: .ethernet)
        #expect(throws: CaptureWriteError.diskFull) { try writer.flush() }
        #expect(CaptureWriteError.diskFull.description == "write failed: disk full")
    }

    @Test func cannotCreate() {
        #expect(throws: CaptureWriteError.self) { try PcapWriter(path: "/nonexistent/dir/x.pcap", linkType: .ethernet) }
        do {
            _ = try PcapngWriter(path: "/nonexistent/dir/x.pcapng", interfaces: [])
        } catch {
            #expect(error.description == "cannot create /nonexistent/dir/x.pcapng: No such file or directory")
        }
    }

    @Test func largeOutputGoesThroughTheBuffer() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let data = Capture.payload(1400)
        do {
            let writer = try PcapWriter(path: path, linkType: .ethernet, nanosecond: false)
            for i in 0..<5000 {
                try data.withUnsafeBytes { buffer in
                    try writer.write(bytes: ByteView(buffer), timestamp: Timestamp(seconds: Int64(i), nanoseconds: 0),
                                     originalLength: 1400)
                }
            }
        } // deinit flushes and closes
        let r = Capture.read(path: path)
        #expect(r.error == nil)
        #expect(r.frames.count == 5000)
        #expect(r.frames.last?.timestamp.seconds == 4999)
    }
}
