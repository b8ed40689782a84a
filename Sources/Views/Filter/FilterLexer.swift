/// The relational operators, by tshark 4.0's meaning on multi-occurrence fields.
enum RelationOperator: Equatable {
    /// `==`, `eq`, `any_eq`: some occurrence equals.
    case anyEqual
    /// `!=`, `ne`, `all_ne`: the field is present and no occurrence equals.
    case allNotEqual
    /// `===`, `all_eq`: the field is present and every occurrence equals.
    case allEqual
    /// `!==`, `~=`, `any_ne`: some occurrence differs.
    case anyNotEqual
    case less, lessOrEqual, greater, greaterOrEqual

    var isOrdering: Bool {
        switch self {
        case .less, .lessOrEqual, .greater, .greaterOrEqual: true
        default: false
        }
    }
}

struct FilterToken {
    enum Kind: Equatable {
        /// Unquoted text: a field or protocol name, a number, an address, a bare string.
        case word(String)
        /// A double-quoted string, escapes decoded, as UTF-8 bytes.
        case string([UInt8])
        /// A character constant such as `'a'` or `'\n'`.
        case character(UInt64)
        /// The text between `[` and `]`.
        case slice(String)
        case relation(RelationOperator)
        case and, or, not
        case contains, matches, `in`
        case leftParen, rightParen, leftBrace, rightBrace, comma, dotDot
        case plus, minus, star, slash, percent, bitwiseAnd
        /// A `$` not followed by `{`.
        case dollar
        /// `#` and what follows it up to the next delimiter (`ip.src#2`).
        case hash(String)
        /// `${name}`: a field of the selected packet.
        case reference(String)
        case end
    }

    var kind: Kind
    /// Zero-based column of the first scalar, and the number of scalars.
    var column: Int
    var length: Int
    /// The source text of the token.
    var text: String
}

/// Splits a filter into tokens, as Wireshark's scanner does: words run over letters,
/// digits and `_ . : / -`, so `10.77.0.0/24`, `fd77::1`, `02-77-00-00-00-04` and
/// `tcp.flags.syn` are single words; `..` inside a word separates a range.
struct FilterLexer {
    let scalars: [Unicode.Scalar]
    let filter: String
    var position = 0

    init(_ filter: String) {
        self.filter = filter
        scalars = Array(filter.unicodeScalars)
    }

    static let keywords: [String: FilterToken.Kind] = [
        "and": .and, "or": .or, "not": .not,
        "eq": .relation(.anyEqual), "any_eq": .relation(.anyEqual),
        "ne": .relation(.allNotEqual), "all_ne": .relation(.allNotEqual),
        "all_eq": .relation(.allEqual), "any_ne": .relation(.anyNotEqual),
        "lt": .relation(.less), "le": .relation(.lessOrEqual),
        "gt": .relation(.greater), "ge": .relation(.greaterOrEqual),
        "contains": .contains, "matches": .matches, "in": .in,
    ]

    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "a"..."z", "A"..."Z", "0"..."9", "_", ".", ":", "/", "-": true
        default: false
        }
    }

    func location(_ column: Int, _ length: Int) -> DisplayFilterError.Location {
        DisplayFilterError.Location(filter: filter, column: column, length: length)
    }

    /// All tokens, ending with `.end`.
    mutating func tokenize() throws(DisplayFilterError) -> [FilterToken] {
        var tokens: [FilterToken] = []
        while true {
            let token = try next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func text(_ start: Int, _ end: Int) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[start..<end])
        return String(s)
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        position + offset < scalars.count ? scalars[position + offset] : nil
    }

    private mutating func token(_ kind: FilterToken.Kind, from start: Int) -> FilterToken {
        FilterToken(kind: kind, column: start, length: position - start, text: text(start, position))
    }

    private mutating func next() throws(DisplayFilterError) -> FilterToken {
        while let s = peek(), s == " " || s == "\t" || s == "\n" || s == "\r" { position += 1 }
        let start = position
        guard let s = peek() else { return FilterToken(kind: .end, column: position, length: 1, text: "") }

        func two(_ second: Unicode.Scalar) -> Bool { peek(1) == second }
        switch s {
        case "(": position += 1; return token(.leftParen, from: start)
        case ")": position += 1; return token(.rightParen, from: start)
        case "{": position += 1; return token(.leftBrace, from: start)
        case "}": position += 1; return token(.rightBrace, from: start)
        case ",": position += 1; return token(.comma, from: start)
        case "=":
            if two("=") {
                position += peek(2) == "=" ? 3 : 2
                return token(.relation(position - start == 3 ? .allEqual : .anyEqual), from: start)
            }
        case "!":
            if two("=") {
                position += peek(2) == "=" ? 3 : 2
                return token(.relation(position - start == 3 ? .anyNotEqual : .allNotEqual), from: start)
            }
            position += 1
            return token(.not, from: start)
        case "~":
            if two("=") { position += 2; return token(.relation(.anyNotEqual), from: start) }
            position += 1
            return token(.matches, from: start)
        case "<":
            position += two("=") ? 2 : 1
            return token(.relation(position - start == 2 ? .lessOrEqual : .less), from: start)
        case ">":
            position += two("=") ? 2 : 1
            return token(.relation(position - start == 2 ? .greaterOrEqual : .greater), from: start)
        case "&":
            position += two("&") ? 2 : 1
            return token(position - start == 2 ? .and : .bitwiseAnd, from: start)
        case "+": position += 1; return token(.plus, from: start)
        case "*": position += 1; return token(.star, from: start)
        case "%": position += 1; return token(.percent, from: start)
        case "#":
            position += 1
            while let c = peek(), Self.isWordScalar(c), c != "-" { position += 1 }
            return token(.hash(text(start + 1, position)), from: start)
        case "$":
            if two("{") {
                position += 2
                while let c = peek(), c != "}" { position += 1 }
                guard peek() == "}" else { throw .unexpected(token: "$", at: location(start, 1)) }
                position += 1
                return token(.reference(text(start + 2, position - 1)), from: start)
            }
            position += 1
            return token(.dollar, from: start)
        case "r", "R":
            // A raw string: backslashes stand for themselves.
            if two("\"") { return try quotedString(raw: true) }
            return word()
        case "|":
            if two("|") { position += 2; return token(.or, from: start) }
        case "\"":
            return try quotedString(raw: false)
        case "'":
            return try character()
        case "[":
            position += 1
            while let c = peek(), c != "]" { position += 1 }
            guard peek() == "]" else {
                throw .unexpected(token: "[", at: location(start, 1))
            }
            position += 1
            return FilterToken(kind: .slice(text(start + 1, position - 1)), column: start,
                               length: position - start, text: text(start, position))
        default:
            if Self.isWordScalar(s) { return word() }
        }
        position += 1
        throw .unexpected(token: String(s), at: location(start, 1))
    }

    private mutating func word() -> FilterToken {
        let start = position
        if peek() == ".", peek(1) == "." {
            position += 2
            return token(.dotDot, from: start)
        }
        // A leading `-` is the minus operator (`-tcp.srcport`, `- 1`, `a - b`); inside a
        // word it stays (`02-77-00-00-00-04`).
        if peek() == "-" {
            position += 1
            return token(.minus, from: start)
        }
        while let c = peek(), Self.isWordScalar(c) {
            // `80..90`: the range operator ends the word.
            if c == ".", peek(1) == "." { break }
            position += 1
        }
        let text = text(start, position)
        if text == "/" { return token(.slash, from: start) }
        return FilterToken(kind: Self.keywords[text] ?? .word(text), column: start, length: position - start, text: text)
    }

    private mutating func quotedString(raw: Bool) throws(DisplayFilterError) -> FilterToken {
        let start = position
        position += raw ? 2 : 1
        var bytes: [UInt8] = []
        func append(_ scalar: Unicode.Scalar) { bytes.append(contentsOf: String(scalar).utf8) }
        while true {
            guard let c = peek() else {
                // tshark points past the end, where the quote should be.
                throw .badString(reason: "The final quote was missing from a quoted string.", at: location(position, 1))
            }
            position += 1
            if c == "\"" { break }
            guard c == "\\" else { append(c); continue }
            if raw {
                // `\"` does not end a raw string, and both characters stay.
                append(c)
                if let e = peek() { append(e); position += 1 }
                continue
            }
            let escapeStart = position - 1
            guard let e = peek() else { continue }
            position += 1
            switch e {
            case "n": bytes.append(10)
            case "t": bytes.append(9)
            case "r": bytes.append(13)
            case "a": bytes.append(7)
            case "b": bytes.append(8)
            case "f": bytes.append(12)
            case "v": bytes.append(11)
            case "x":
                var value = 0, digits = 0
                while digits < 2, let d = peek(), let v = hexValue(d) { value = value * 16 + v; digits += 1; position += 1 }
                guard digits > 0 else {
                    throw .badString(reason: "\\x escape without hex digits.", at: location(escapeStart, 2))
                }
                bytes.append(UInt8(value))
            case "0"..."7":
                var value = Int(e.value - 48), digits = 1
                while digits < 3, let d = peek(), ("0"..."7").contains(d) {
                    value = value * 8 + Int(d.value - 48); digits += 1; position += 1
                }
                guard value <= 255 else {
                    throw .badString(reason: "Octal escape out of range.", at: location(escapeStart, position - escapeStart))
                }
                bytes.append(UInt8(value))
            case "u", "U":
                let count = e == "u" ? 4 : 8
                var value: UInt32 = 0
                for _ in 0..<count {
                    guard let d = peek(), let v = hexValue(d) else {
                        throw .badString(reason: "\\\(e) escape needs \(count) hex digits.", at: location(escapeStart, position - escapeStart))
                    }
                    value = value * 16 + UInt32(v)
                    position += 1
                }
                // C's rule for universal character names, which tshark 4.0 applies: nothing
                // below U+00A0 but `$`, `@` and `` ` ``, and no surrogates.
                guard let scalar = Unicode.Scalar(value), value >= 0xA0 || value == 0x24 || value == 0x40 || value == 0x60 else {
                    throw .badString(reason: "\(text(escapeStart, position)) is not a valid universal character name",
                                     at: location(escapeStart, position - escapeStart))
                }
                append(scalar)
            case "\\", "\"", "'":
                append(e)
            default:
                // tshark 4.0 knows no other escape: `"\."` is an error (use `r"\."` or `"\\."`).
                throw .badString(reason: "\\\(e) is not a valid character escape sequence", at: location(escapeStart, 2))
            }
        }
        return FilterToken(kind: .string(bytes), column: start, length: position - start, text: text(start, position))
    }

    private mutating func character() throws(DisplayFilterError) -> FilterToken {
        let start = position
        position += 1
        var value: UInt64
        guard let c = peek() else {
            throw .badString(reason: "The final quote was missing from a character constant.", at: location(start, 1))
        }
        position += 1
        if c == "\\", let e = peek() {
            position += 1
            switch e {
            case "n": value = 10
            case "t": value = 9
            case "r": value = 13
            case "0": value = 0
            case "x":
                value = 0
                while let d = peek(), let v = hexValue(d) {
                    // Wider than a byte is an error later; saturate rather than overflow.
                    value = value > UInt64.max >> 4 ? .max : value << 4 | UInt64(v)
                    position += 1
                }
            default: value = UInt64(e.value)
            }
        } else {
            value = UInt64(c.value)
        }
        guard peek() == "'" else {
            throw .badString(reason: "The final quote was missing from a character constant.", at: location(start, 1))
        }
        position += 1
        return FilterToken(kind: .character(value), column: start, length: position - start, text: text(start, position))
    }
}

func hexValue(_ s: Unicode.Scalar) -> Int? {
    switch s {
    case "0"..."9": Int(s.value - 48)
    case "a"..."f": Int(s.value - 87)
    case "A"..."F": Int(s.value - 55)
    default: nil
    }
}
