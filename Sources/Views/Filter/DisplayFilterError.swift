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
    /// A literal, or an unknown name, on the left of a comparison (`80 == tcp.port`).
    case leftSide(operator: String, text: String, suggestions: [String], at: Location)
    /// `${name}` where no field has that name (tshark calls them macros).
    case unknownMacro(name: String, at: Location)
    /// `#` not followed by a layer number.
    case badLayer(found: String, at: Location)
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
             .invalidRegex(_, _, let at), .slowRegex(_, let at), .nestedTooDeeply(_, let at),
             .leftSide(_, _, _, let at), .unknownMacro(_, let at), .badLayer(_, let at):
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
        case .unknownField(let name, _, _):
            return "\(name) is neither a field nor a protocol name."
        case .leftSide(let op, let text, _, _):
            return "Left side of \"\(op)\" expression must be a field or function, not \(text)."
        case .unknownMacro(let name, _):
            return "macro '\(name)' does not exist"
        case .badLayer(let found, _):
            return "Expected digit or \"[\", not \"\(found)\""
        case .invalidValue(let text, let reason, _):
            return "\"\(text)\" \(reason)"
        case .notSupported(let reason, _):
            return reason
        case .invalidRegex(_, let reason, _):
            return "Regex compilation error: \(reason)."
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

    /// Names close to an unknown one, for a "did you mean" line under the caret.
    public var suggestions: [String] {
        switch self {
        case .unknownField(_, let suggestions, _), .leftSide(_, _, let suggestions, _): suggestions
        default: []
        }
    }

    /// tshark's message, the caret lines, and tcpwatch's suggestions if it has any.
    public var description: String {
        var text = message + "\n" + caretLines
        if !suggestions.isEmpty {
            text += "\nDid you mean " + suggestions.map { "\"\($0)\"" }.joined(separator: ", ") + "?"
        }
        return text
    }
}
