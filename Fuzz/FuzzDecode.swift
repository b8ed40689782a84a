// Target 2: the frame decoder, for every supported link type, and the views.
//
// Input: byte 0 selects the link type (`fuzzLinkTypes[byte % count]`); byte 1 selects the
// original length relative to the captured one; the rest is the captured frame. The frame
// is decoded, followed, and rendered by every view (summary, colored summary, JSON, every
// registered field, the detail tree and the hex dump).
import Dissect
import Follow
import Views

nonisolated(unsafe) private var views = ViewSet()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecode(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let linkType = fuzzLinkTypes[Int(data[0]) % fuzzLinkTypes.count]
    let bytes = ByteView(start: data + 2, count: size - 2)
    let originalLength = switch data[1] & 3 {
    case 0: bytes.count
    case 1: bytes.count + Int(data[1] >> 2) * 64
    case 2: bytes.count / 2
    default: 65535
    }
    let raw = RawFrame(bytes: bytes, timestamp: Timestamp(seconds: 1, nanoseconds: 2),
                       originalLength: originalLength, linkType: linkType)
    let frame = FrameDecoder.decode(raw, number: 1)
    // A fresh follower each time, so that each input is reproducible on its own.
    let analysis = Follower().process(frame)
    views.render(frame, analysis)
    return 0
}
