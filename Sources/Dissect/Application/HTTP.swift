/// The start of an HTTP/1.x message: request or status line and the header block, as
/// ranges into the frame's bytes.
public struct HTTPHead: Sendable {
    public enum Kind: Sendable, Equatable { case request, response }
    public var offset: Int
    public var kind: Kind
    /// The first line without its CRLF.
    public var firstLine: Range<Int>
    /// Request: the method; response: the version.
    public var part1: Range<Int>
    /// Request: the URI; response: the status code.
    public var part2: Range<Int>
    /// Request: the version; response: the reason phrase.
    public var part3: Range<Int>
    /// The response status code, or nil for a request.
    public var statusCode: Int?
    /// The header lines after the first line, up to (not including) the blank line;
    /// ends at the captured end if the head is cut short.
    public var headerBlock: Range<Int>
    /// Where the body starts, when the blank line was seen.
    public var bodyStart: Int?

    /// Recognises a request or status line at `offset`.
    public static func decode(_ bytes: ByteView, at offset: Int, end: Int) -> Decoded<HTTPHead> {
        Decoded(nil) // TODO: implemented on the layers branch
    }
}
