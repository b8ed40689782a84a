import Dissect
import Follow

/// The summary line's columns one by one, for clients that lay them out themselves (the web
/// view). Each is the exact text `tcpwatch read` prints in that column, without padding.
public struct SummaryColumns: Sendable {
    public var number: Int
    public var time: String
    public var source: String
    public var destination: String
    public var `protocol`: String
    public var length: Int
    public var info: String
    /// Wireshark's default colouring rule that matched, or nil.
    public var color: ColorCategory?
}

extension SummaryLine {
    /// The columns of `input`'s line; `scratch` is reused between calls.
    public func columns(_ input: FieldInput, scratch: OutputBuffer) -> SummaryColumns {
        func take(_ body: () -> Void) -> String {
            body()
            return String(decoding: scratch.takeBytes(), as: UTF8.self)
        }
        _ = scratch.takeBytes()
        let time = take { writeTime(input, to: scratch) }
        let source = take { writeAddress(input.frame, source: true, to: scratch) }
        let destination = take { writeAddress(input.frame, source: false, to: scratch) }
        let info = take { InfoColumn.write(input, to: scratch) }
        return SummaryColumns(number: input.frame.number, time: time, source: source, destination: destination,
                              protocol: protocolName(input), length: input.frame.raw.originalLength, info: info,
                              color: ColorRule.category(for: input))
    }
}
