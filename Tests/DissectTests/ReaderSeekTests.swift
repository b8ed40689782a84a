import Dissect
import Foundation
import Testing

/// `CaptureFileReader.seek(toFrameAt:number:)`: a frame read again at its offset is the
/// same frame, in pcap and in pcapng.
@Suite struct ReaderSeekTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/pcaps")

    @Test(arguments: ["echo.pcap", "two-interfaces.pcapng", "lossy.pcap"])
    func seekReturnsTheSameFrame(_ name: String) throws {
        let path = Self.fixtures.appendingPathComponent(name).path
        let reader = try CaptureFileReader(path: path)
        var frames: [(offset: Int64, bytes: [UInt8], time: Timestamp, interface: Int)] = []
        while let raw = try reader.next() {
            frames.append((raw.fileOffset, Array(raw.bytes), raw.timestamp, raw.interfaceID))
        }
        #expect(frames.count > 5)
        let again = try CaptureFileReader(path: path)
        _ = try again.next()
        for n in [frames.count, 3, 1, frames.count / 2] {
            #expect(again.seek(toFrameAt: frames[n - 1].offset, number: n))
            let raw = try #require(try again.next())
            #expect(Array(raw.bytes) == frames[n - 1].bytes)
            #expect(raw.timestamp == frames[n - 1].time)
            #expect(raw.interfaceID == frames[n - 1].interface)
            #expect(again.framesRead == n)
        }
    }
}
