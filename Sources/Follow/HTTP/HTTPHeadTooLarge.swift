/// An HTTP message head that ran past ``limit`` bytes without its blank line, so the
/// stream's HTTP parsing stopped there: the message, and those after it in that
/// direction, are not in the transactions. tshark decodes such heads (a 10 MB header
/// line, 100,000 headers); tcpwatch bounds its memory instead, and says so.
public struct HTTPHeadTooLarge: Sendable, Equatable {
    public var stream: Int
    /// The frame the head started in.
    public var firstFrame: Int
    /// The bytes of the head read when the parser gave up (just past the limit).
    public var bytesRead: Int
    public var isResponse: Bool
    /// The longest head kept (64 KiB).
    public static var limit: Int { HTTPStreamParser.maxHeadBytes }
}
