import Dissect

/// A byte range of a slice, `[i:j]`, `[i-j]`, `[i]`, `[i:]` or `[:j]`; negative starts
/// count from the end.
struct SliceRange: Equatable {
    var start: Int
    /// nil: to the end.
    var length: Int?

    /// The bytes this range selects, or nil when the value is too short.
    func apply(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let from = start < 0 ? bytes.count + start : start
        guard from >= 0, from <= bytes.count else { return nil }
        // Compared before adding: `[0:9223372036854775807]` must not overflow.
        if let length, length > bytes.count - from { return nil }
        let to = length.map { from + $0 } ?? bytes.count
        guard to >= from else { return nil }
        return bytes[(bytes.startIndex + from)..<(bytes.startIndex + to)]
    }
}

/// A field as an operand: its definition, the type it is written in, and an optional
/// slice (which makes the operand a byte string).
struct FieldReference {
    let field: FieldDefinition
    let baseType: FilterType
    let slice: [SliceRange]?
    var type: FilterType { slice == nil ? baseType : .bytes }
}

enum FilterOperand {
    case field(FieldReference)
    case constant(FilterValue)
}

enum SetElement {
    case value(FilterValue)
    case range(FilterValue, FilterValue)
}

/// The compiled filter: a tree of tests over field occurrences. Every literal is already
/// a typed value; evaluation never looks at the filter text again.
indirect enum FilterNode {
    case constant(Bool)
    /// Every operand holds, tested in order. A chain `a && b && c` is one node, so a long
    /// chain costs no depth (and no recursion) when it is evaluated or freed.
    case and([FilterNode])
    /// Some operand holds, tested in order.
    case or([FilterNode])
    case not(FilterNode)
    /// The field has at least one occurrence (with a slice: one long enough for it).
    case exists(FieldReference)
    /// The protocol is one of the frame's layers (`frame.protocols`).
    case layer([UInt8])
    case relation(FieldReference, RelationOperator, FilterOperand)
    case member(FieldReference, [SetElement])
    case contains(FieldReference, FilterOperand)
    case matches(FieldReference, Regex<AnyRegexOutput>)
}

/// Recursive descent over Wireshark's grammar, with precedence `not` > `and` > `or`:
///
///     expression := and ( ("||" | "or") and )*
///     and        := unary ( ("&&" | "and") unary )*
///     unary      := ("!" | "not") unary | "(" expression ")" | test
///     test       := operand [ relation operand | "in" set | "not" "in" set
///                           | "contains" operand | ("matches" | "~") string ]
///     operand    := field [slice] | protocol | literal
///     set        := "{" element ("," element)* "}"    element := literal [".." literal]
///
/// Types are checked and literals read while parsing, so every error has its column.
struct FilterParser {
    /// Levels of `(` and `not` one inside the other. The parser, the evaluator and the
    /// tree's deinit recurse once per level: a filter of 100,000 `(` would overflow the stack.
    static let maxNesting = 100

    let filter: String
    let tokens: [FilterToken]
    var index = 0
    private var nesting = 0

    init(_ filter: String) throws(DisplayFilterError) {
        self.filter = filter
        var lexer = FilterLexer(filter)
        tokens = try lexer.tokenize()
    }

    /// Protocol names that are not fields: the decoder's layers and the first part of every
    /// registered field name.
    static let protocolNames: Set<String> = {
        var names = Set(Layer.allCases.map(\.description))
        for field in FieldRegistry.all {
            names.insert(String(field.name.prefix { $0 != "." }))
        }
        return names
    }()

    private var current: FilterToken { tokens[index] }
    private var following: FilterToken { tokens[min(index + 1, tokens.count - 1)] }
    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private func location(_ token: FilterToken) -> DisplayFilterError.Location {
        DisplayFilterError.Location(filter: filter, column: token.column, length: token.length)
    }

    /// The error for a token that does not fit here.
    private func unexpected(_ token: FilterToken) -> DisplayFilterError {
        token.kind == .end ? .unexpectedEnd(at: location(token)) : .unexpected(token: token.text, at: location(token))
    }

    mutating func parse() throws(DisplayFilterError) -> FilterNode {
        if current.kind == .end { return .constant(true) }
        let node = try expression()
        guard current.kind == .end else { throw unexpected(current) }
        return node
    }

    private mutating func expression() throws(DisplayFilterError) -> FilterNode {
        var operands = [try conjunction()]
        while current.kind == .or {
            advance()
            operands.append(try conjunction())
        }
        return operands.count == 1 ? operands[0] : .or(operands)
    }

    private mutating func conjunction() throws(DisplayFilterError) -> FilterNode {
        var operands = [try unary()]
        while current.kind == .and {
            advance()
            operands.append(try unary())
        }
        return operands.count == 1 ? operands[0] : .and(operands)
    }

    private mutating func unary() throws(DisplayFilterError) -> FilterNode {
        switch current.kind {
        case .not:
            try enterNesting()
            defer { nesting -= 1 }
            advance()
            return .not(try unary())
        case .leftParen:
            try enterNesting()
            defer { nesting -= 1 }
            advance()
            let node = try expression()
            guard current.kind == .rightParen else { throw unexpected(current) }
            advance()
            return node
        default:
            return try test()
        }
    }

    private mutating func enterNesting() throws(DisplayFilterError) {
        guard nesting < Self.maxNesting else {
            throw .nestedTooDeeply(limit: Self.maxNesting, at: location(current))
        }
        nesting += 1
    }

    // MARK: operands

    private enum Operand {
        case field(FieldReference, FilterToken)
        case layer(String, FilterToken)
        case literal(FilterToken)
    }

    private mutating func operand() throws(DisplayFilterError) -> Operand {
        let token = current
        let result: Operand
        switch token.kind {
        case .word(let name):
            if let field = FieldRegistry.field(named: name) {
                result = .field(FieldReference(field: field, baseType: FilterType(field.kind), slice: nil), token)
            } else if Self.protocolNames.contains(name) {
                result = .layer(name, token)
            } else {
                result = .literal(token)
            }
        case .string, .character:
            result = .literal(token)
        default:
            throw unexpected(token)
        }
        advance()
        guard case .slice(let text) = current.kind else { return result }
        let sliceToken = current
        switch result {
        case .field(let reference, let token):
            guard reference.baseType.canSlice else {
                throw .notSupported(reason: "\"\(reference.field.name)\" is a \(reference.baseType.name) and cannot be sliced into a sequence of bytes.",
                                    at: location(token))
            }
            let ranges = try sliceRanges(text, sliceToken)
            advance()
            return .field(FieldReference(field: reference.field, baseType: reference.baseType, slice: ranges), token)
        case .layer(let name, let token):
            throw .notSupported(reason: "Slicing the protocol \"\(name)\" is not supported; slice one of its fields.",
                                at: location(token))
        case .literal:
            throw unexpected(sliceToken)
        }
    }

    /// `i:j`, `i-j`, `i`, `i:`, `:j`, comma-separated.
    private func sliceRanges(_ text: String, _ token: FilterToken) throws(DisplayFilterError) -> [SliceRange] {
        var ranges: [SliceRange] = []
        var column = token.column + 1
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let raw = String(part)
            let trimmed = raw.trimmingSpaces
            let at = DisplayFilterError.Location(filter: filter, column: column, length: max(1, raw.unicodeScalars.count))
            column += raw.unicodeScalars.count + 1
            func integer(_ s: Substring) -> Int? { Int(s.trimmingSpaces) }
            let invalid = DisplayFilterError.invalidValue(text: trimmed, reason: "is not a valid slice.", at: at)
            if let colon = trimmed.firstIndex(of: ":") {
                let startText = trimmed[..<colon], lengthText = trimmed[trimmed.index(after: colon)...]
                let start = startText.trimmingSpaces.isEmpty ? 0 : integer(startText)
                let length = lengthText.trimmingSpaces.isEmpty ? nil : integer(lengthText)
                guard let start, lengthText.trimmingSpaces.isEmpty || (length ?? -1) >= 0 else { throw invalid }
                ranges.append(SliceRange(start: start, length: length))
            } else if let dash = trimmed.dropFirst().firstIndex(of: "-") {
                guard let from = integer(trimmed[..<dash]), let to = integer(trimmed[trimmed.index(after: dash)...]),
                      from >= 0, to >= from, to < Int.max else { throw invalid }
                ranges.append(SliceRange(start: from, length: to - from + 1))
            } else {
                guard let start = integer(trimmed[...]) else { throw invalid }
                ranges.append(SliceRange(start: start, length: 1))
            }
        }
        return ranges
    }

    // MARK: tests

    private mutating func test() throws(DisplayFilterError) -> FilterNode {
        let left = try operand()
        let operatorToken = current
        switch current.kind {
        case .relation(let op):
            let reference = try leftField(left, operatorToken)
            advance()
            let right = try rightOperand(for: reference, op: op, operatorToken: operatorToken)
            return .relation(reference, op, right)
        case .in:
            let reference = try leftField(left, operatorToken)
            advance()
            return .member(reference, try set(for: reference))
        case .not where following.kind == .in:
            let reference = try leftField(left, following)
            advance()
            advance()
            return .not(.member(reference, try set(for: reference)))
        case .contains:
            let reference = try leftField(left, operatorToken)
            guard reference.type.isByteLike else {
                throw .notSupported(reason: "\(reference.field.name) (type=\(reference.type.name)) cannot participate in contains comparison.",
                                    at: location(fieldToken(left)))
            }
            advance()
            return .contains(reference, try rightOperand(for: reference, op: .anyEqual, operatorToken: operatorToken))
        case .matches:
            let reference = try leftField(left, operatorToken)
            guard reference.type.isByteLike else {
                throw .notSupported(reason: "\(reference.field.name) (type=\(reference.type.name)) cannot participate in matches comparison.",
                                    at: location(fieldToken(left)))
            }
            advance()
            return .matches(reference, try regex())
        default:
            switch left {
            case .field(let reference, _):
                return .exists(reference)
            case .layer(let name, _):
                return .layer(Array(name.utf8))
            case .literal(let token):
                throw unknownName(token)
            }
        }
    }

    private func fieldToken(_ operand: Operand) -> FilterToken {
        switch operand {
        case .field(_, let token), .layer(_, let token), .literal(let token): token
        }
    }

    /// The left side of a comparison must be a field.
    private func leftField(_ operand: Operand, _ operatorToken: FilterToken) throws(DisplayFilterError) -> FieldReference {
        switch operand {
        case .field(let reference, _):
            return reference
        case .layer(let name, let token):
            throw .notSupported(reason: "Comparing the protocol \"\(name)\" itself is not supported; compare one of its fields.",
                                at: location(token))
        case .literal(let token):
            if case .word(let name) = token.kind, looksLikeFieldName(name) { throw unknownName(token) }
            throw .notSupported(reason: "Left side of \"\(operatorToken.text)\" expression must be a field, not \(token.text).",
                                at: location(token))
        }
    }

    private func looksLikeFieldName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) || ("A"..."Z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" }
            && !(name.count <= 4 && name.allSatisfy(\.isHexDigit))
    }

    private func unknownName(_ token: FilterToken) -> DisplayFilterError {
        .unknownField(name: token.text, suggestions: FieldRegistry.suggestions(for: token.text), at: location(token))
    }

    private mutating func rightOperand(for reference: FieldReference, op: RelationOperator,
                                       operatorToken: FilterToken) throws(DisplayFilterError) -> FilterOperand {
        let right = try operand()
        switch right {
        case .field(let other, let token):
            guard compatible(reference.type, other.type) else {
                throw .notSupported(reason: "\(reference.field.name) and \(other.field.name) are not of compatible types (\(reference.type.name), \(other.type.name)).",
                                    at: location(token))
            }
            return .field(other)
        case .layer(let name, let token):
            // A protocol name on the right of a string comparison is just a word.
            if reference.type == .string { return .constant(try literal(token, as: reference.type)) }
            throw .notSupported(reason: "Comparing with the protocol \"\(name)\" is not supported.", at: location(token))
        case .literal(let token):
            return .constant(try literal(token, as: reference.type))
        }
    }

    private func compatible(_ a: FilterType, _ b: FilterType) -> Bool {
        if a == b { return true }
        let numeric: Set<FilterType> = [.unsigned, .boolean]
        if numeric.contains(a) && numeric.contains(b) { return true }
        return a.isByteLike && b.isByteLike
    }

    private mutating func set(for reference: FieldReference) throws(DisplayFilterError) -> [SetElement] {
        guard current.kind == .leftBrace else { throw unexpected(current) }
        advance()
        var elements: [SetElement] = []
        while true {
            let low = try setLiteral(for: reference)
            if current.kind == .dotDot {
                advance()
                let high = try setLiteral(for: reference)
                elements.append(.range(low, high))
            } else {
                elements.append(.value(low))
            }
            if current.kind == .comma { advance(); continue }
            guard current.kind == .rightBrace else { throw unexpected(current) }
            advance()
            return elements
        }
    }

    private mutating func setLiteral(for reference: FieldReference) throws(DisplayFilterError) -> FilterValue {
        let token = current
        switch token.kind {
        case .word(let name) where FieldRegistry.field(named: name) != nil:
            throw .notSupported(reason: "Fields inside a set are not supported; use literals.", at: location(token))
        case .word, .string, .character:
            advance()
            return try literal(token, as: reference.type)
        default:
            throw unexpected(token)
        }
    }

    private mutating func regex() throws(DisplayFilterError) -> Regex<AnyRegexOutput> {
        let token = current
        let pattern: String
        switch token.kind {
        case .string(let bytes): pattern = String(decoding: bytes, as: UTF8.self)
        case .word(let text): pattern = text
        default: throw unexpected(token)
        }
        advance()
        if RegexSafety.nestedRepetition(in: pattern) != nil {
            throw .slowRegex(pattern: pattern, at: location(token))
        }
        do {
            // Wireshark's `matches` is case-insensitive unless the pattern says `(?-i)`.
            return try Regex(pattern).ignoresCase()
        } catch {
            throw .invalidRegex(pattern: pattern, reason: "\(error)", at: location(token))
        }
    }

    // MARK: literals

    /// Reads a literal token as a value of `type`.
    private func literal(_ token: FilterToken, as type: FilterType) throws(DisplayFilterError) -> FilterValue {
        let at = location(token)
        let text: String
        switch token.kind {
        case .word(let word):
            text = word
        case .string(let bytes):
            if type.isByteLike { return .bytes(bytes[...]) }
            throw .notSupported(reason: "\(type.name) cannot be converted from a string (\(token.text)).", at: at)
        case .character(let value):
            switch type {
            case .unsigned: return .scalar(value)
            case .boolean: return .scalar(value == 0 ? 0 : 1)
            case .bytes, .string:
                guard value < 256 else { throw .invalidValue(text: token.text, reason: "is not a single byte.", at: at) }
                return .bytes([UInt8(value)][...])
            default:
                throw .notSupported(reason: "\(type.name) cannot be converted from a character constant (\(token.text)).", at: at)
            }
        default:
            throw unexpected(token)
        }
        let utf8 = Array(text.utf8)
        switch type {
        case .unsigned:
            guard let value = FilterValues.number(utf8) else {
                throw .invalidValue(text: text, reason: "is not a valid number.", at: at)
            }
            return .scalar(value)
        case .boolean:
            switch text.lowercased() {
            case "true": return .scalar(1)
            case "false": return .scalar(0)
            default:
                guard let value = FilterValues.number(utf8) else {
                    throw .invalidValue(text: text, reason: "is not a valid boolean (use 1, 0, True or False).", at: at)
                }
                return .scalar(value == 0 ? 0 : 1)
            }
        case .ipv4:
            let (address, prefix) = try split(text, at: at, maxPrefix: 32, family: "IPv4")
            guard let value = FilterValues.ipv4(address.utf8) else {
                throw .invalidValue(text: address, reason: "is not a valid IPv4 address (tcpwatch does not resolve host names).", at: at)
            }
            guard let prefix else { return .scalar(UInt64(value)) }
            let mask: UInt64 = prefix == 0 ? 0 : (UInt64(0xFFFF_FFFF) << UInt64(32 - prefix)) & 0xFFFF_FFFF
            return .masked(network: UInt64(value) & mask, mask: mask)
        case .ipv6:
            let (address, prefix) = try split(text, at: at, maxPrefix: 128, family: "IPv6")
            guard let value = FilterValues.ipv6(address.utf8) else {
                throw .invalidValue(text: address, reason: "is not a valid IPv6 address (tcpwatch does not resolve host names).", at: at)
            }
            guard let prefix else { return .wide(value.0, value.1) }
            func mask(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? .max : ~(UInt64.max >> UInt64(bits)) }
            let m = (mask(prefix), mask(prefix - 64))
            return .maskedWide(network: (value.0 & m.0, value.1 & m.1), mask: m)
        case .mac:
            guard let value = FilterValues.mac(utf8) else {
                let count = FilterValues.byteString(utf8)?.count
                let reason = count.map { $0 < 6 ? "contains too few bytes to be a valid Ethernet address." : "contains too many bytes to be a valid Ethernet address." }
                throw .invalidValue(text: text, reason: reason ?? "is not a valid Ethernet address.", at: at)
            }
            return .scalar(value)
        case .time:
            guard let value = FilterValues.time(utf8) else {
                throw .invalidValue(text: text, reason: "is not a valid time offset (seconds, such as 0.5).", at: at)
            }
            return .scalar(value)
        case .string:
            return .bytes(utf8[...])
        case .bytes:
            guard let bytes = FilterValues.byteString(utf8) else {
                throw .invalidValue(text: text, reason: "is not a valid byte string (such as 02:77:00, or a quoted string).", at: at)
            }
            return .bytes(bytes[...])
        }
    }

    /// `address/prefix` into its parts, checking the prefix.
    private func split(_ text: String, at: DisplayFilterError.Location, maxPrefix: Int,
                       family: String) throws(DisplayFilterError) -> (String, Int?) {
        guard let slash = text.firstIndex(of: "/") else { return (text, nil) }
        let address = String(text[..<slash])
        let bitsText = text[text.index(after: slash)...]
        guard let bits = Int(bitsText), bits >= 0 else {
            throw .invalidValue(text: String(bitsText), reason: "is not a valid number of netmask bits.", at: at)
        }
        guard bits <= maxPrefix else {
            throw .invalidValue(text: text, reason: "has \(bits) netmask bits; a CIDR \(family) address allows at most \(maxPrefix).", at: at)
        }
        return (address, bits)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
