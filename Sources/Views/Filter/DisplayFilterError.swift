/// Why a display filter does not compile, and where. `description` reads as tshark's:
/// the message, then the filter, then a caret under the mistake:
///
///     "tcp.prot" is neither a field nor a protocol name; did you mean "tcp.port"?
///         tcp.prot == 80
///         ^~~~~~~~
public enum DisplayFilterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A token that does not fit the grammar there (`tcp.port = 80`).
    case unexpected(token: String, at: Location)
    /// The filter stops in the middle of an expression (`tcp.port ==`).
    case unexpectedEnd(at: Location)
    /// A `"` without its closing quote, or a bad escape inside the string.
    case badString(reason: String, at: Location)
    /// A name that is neither a field in the registry nor a protocol, with the nearest
    /// known names.
    case unknownField(name: String, suggestions: [String], at: Location)
    /// A value that cannot be read as the field's kind (`ip.src == 10.77.0.256`).
    case invalidValue(text: String, reason: String, at: Location)
    /// An operator or slice the operand's kind does not support (`tcp.port contains 80`).
    case notSupported(reason: String, at: Location)
    /// A `matches` pattern that is not a valid regular expression.
    case invalidRegex(pattern: String, reason: String, at: Location)
    /// A `matches` pattern that repeats a repetition (`(a+)+`): on a hostile field it could
    /// backtrack for longer than the capture lasts.
    case slowRegex(pattern: String, at: Location)
    /// More than `limit` levels of `(` and `not` inside one another.
    case nestedTooDeeply(limit: Int, at: Location)

    /// Where the mistake is: the whole filter, the zero-based column (in Unicode scalars)
    /// of the offending text, and how many columns it spans.
    public struct Location: Sendable, Equatable {
        public let filter: String
        public let column: Int
        public let length: Int

        public init(filter: String, column: Int, length: Int) {
            self.filter = filter
            self.column = column
            self.length = max(1, length)
        }
    }

    public var location: Location {
        switch self {
        case .unexpected(_, let at), .unexpectedEnd(let at), .badString(_, let at),
             .unknownField(_, _, let at), .invalidValue(_, _, let at), .notSupported(_, let at),
             .invalidRegex(_, _, let at), .slowRegex(_, let at), .nestedTooDeeply(_, let at):
            return at
        }
    }

    /// Zero-based column of the mistake.
    public var column: Int { location.column }

    /// The message alone, without the filter and caret lines.
    public var message: String {
        switch self {
        case .unexpected(let token, _):
            return "\"\(token)\" was unexpected in this context."
        case .unexpectedEnd:
            return "Unexpected end of filter expression."
        case .badString(let reason, _):
            return reason
        case .unknownField(let name, let suggestions, _):
            var text = "\"\(name)\" is neither a field nor a protocol name"
            if !suggestions.isEmpty {
                text += "; did you mean " + suggestions.map { "\"\($0)\"" }.joined(separator: ", ") + "?"
            } else {
                text += "."
            }
            return text
        case .invalidValue(let text, let reason, _):
            return "\"\(text)\" \(reason)"
        case .notSupported(let reason, _):
            return reason
        case .invalidRegex(let pattern, let reason, _):
            return "\"\(pattern)\" is not a valid regular expression: \(reason)"
        case .slowRegex(let pattern, _):
            return "\"\(pattern)\" repeats a group that repeats inside (like (a+)+), which can take "
                + "exponential time on a hostile packet; repeat one of the two only."
        case .nestedTooDeeply(let limit, _):
            return "Parentheses and \"not\" are nested more than \(limit) levels deep."
        }
    }

    /// The filter and, under it, a caret at the mistake followed by `~` over the rest of
    /// the offending text, both indented by four spaces as tshark prints them.
    public var caretLines: String {
        let at = location
        let indent = "    "
        // Tabs and newlines in the filter would misplace the caret: show them as spaces.
        var shown = String.UnicodeScalarView()
        for scalar in at.filter.unicodeScalars { shown.append(scalar.value < 0x20 ? " " : scalar) }
        return indent + String(shown) + "\n" + indent + String(repeating: " ", count: at.column)
            + "^" + String(repeating: "~", count: at.length - 1)
    }

    public var description: String { message + "\n" + caretLines }
}
