#if canImport(Glibc)
import Glibc
#endif
import Dissect

/// Recursive descent over Wireshark 4.0's grammar (`epan/dfilter/grammar.lemon`), with
/// precedence `not` > `and` > `or` among tests and `-x` > `* / %` > `+ -` > `&` among
/// values:
///
///     expression := and ( ("||" | "or") and )*
///     and        := unary ( ("&&" | "and") unary )*
///     unary      := ("!" | "not") unary | "(" expression ")" | test
///     test       := value [ relation value | ["not"] "in" set | "contains" value
///                         | ("matches" | "~") string ]
///     value      := sum ( "&" sum )*
///     sum        := product ( ("+" | "-") product )*
///     product    := negation ( ("*" | "/" | "%") negation )*
///     negation   := "-" negation | primary
///     primary    := ( field ["#" layer] | protocol | literal | "${" field "}"
///                   | function "(" value ("," value)* ")" | "{" value "}" ) slice*
///     set        := "{" element ("," element)* "}"    element := literal [".." literal]
///
/// Types are checked and literals read while parsing, so every error has its column.
struct FilterParser {
    /// Levels of `(`, `{`, `not`, unary minus and function calls one inside the other. The
    /// parser, the evaluator and the tree's deinit recurse once per level: a filter of
    /// 100,000 `(` would overflow the stack.
    static let maxNesting = 100
    /// Layer numbers (`#n`) beyond this select nothing, like any layer a frame lacks.
    static let maxLayer = 1_000_000

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

    /// The width in bytes of integer fields, for `len()` and for tshark's type names
    /// ("Unsigned integer (2 bytes)"). The registry does not record widths; fields not
    /// listed count as 4 bytes, Wireshark's most common integer width.
    static let integerWidths: [String: Int] = {
        var table: [String: Int] = [:]
        for name in ["tcp.srcport", "tcp.dstport", "tcp.port", "udp.srcport", "udp.dstport", "udp.port",
                     "udp.length", "tcp.window_size_value", "tcp.checksum", "tcp.urgent_pointer", "tcp.flags",
                     "tcp.options.mss_val", "eth.type", "vlan.id", "vlan.etype", "sll.pkttype", "sll.etype",
                     "arp.opcode", "ip.id", "ip.len", "ip.checksum", "dns.id", "dns.count.queries",
                     "dns.count.answers", "dns.qry.type", "dns.resp.type", "icmp.checksum", "ipv6.plen",
                     "http.response.code"] {
            table[name] = 2
        }
        for name in ["icmp.type", "icmp.code", "icmpv6.type", "icmpv6.code", "ip.ttl", "ip.proto", "ip.dsfield",
                     "ipv6.nxt", "ipv6.hlim", "tcp.options.wscale.shift", "tcp.hdr_len", "dns.flags.rcode",
                     "ip.hdr_len", "ip.version"] {
            table[name] = 1
        }
        return table
    }()

    private var current: FilterToken { tokens[index] }
    private var following: FilterToken { tokens[min(index + 1, tokens.count - 1)] }
    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private func location(_ token: FilterToken) -> DisplayFilterError.Location {
        DisplayFilterError.Location(filter: filter, column: token.column, length: token.length)
    }

    private func location(_ operand: Operand) -> DisplayFilterError.Location {
        DisplayFilterError.Location(filter: filter, column: operand.column, length: operand.length)
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

    /// A parsed operand and the columns it spans, for carets.
    private struct Operand {
        enum Kind {
            /// A typed expression (field, protocol with bytes, function, arithmetic, slice).
            case expr(FilterExpr, FilterType)
            /// A protocol tcpwatch knows only as a layer name (no bytes to compare).
            case protocolName(String)
            /// A literal whose type comes from the other side; `negated` by a unary minus.
            case literal(FilterToken, negated: Bool)
        }

        var kind: Kind
        var column: Int
        var length: Int
        /// The field or protocol's name when the operand is exactly one (no slice,
        /// function or arithmetic): `len()`, `count()` and `string()` need one.
        var fieldName: String?
        /// Set when the operand is a protocol name: tested alone, it is a layer test.
        var protocolName: String?
        var isFunction = false

        var type: FilterType? {
            if case .expr(_, let type) = kind { return type }
            return nil
        }
    }

    private func span(_ a: Operand, _ b: Operand) -> (Int, Int) {
        (a.column, max(b.column + b.length, a.column + a.length) - a.column)
    }

    private mutating func value() throws(DisplayFilterError) -> Operand {
        var left = try sum()
        while current.kind == .bitwiseAnd {
            let operatorToken = current
            advance()
            let right = try sum()
            left = try bitwiseAnd(left, right, operatorToken)
        }
        return left
    }

    private mutating func sum() throws(DisplayFilterError) -> Operand {
        var left = try product()
        while current.kind == .plus || current.kind == .minus {
            let op: ArithmeticOperator = current.kind == .plus ? .add : .subtract
            advance()
            let right = try product()
            left = try arithmetic(op, left, right)
        }
        return left
    }

    private mutating func product() throws(DisplayFilterError) -> Operand {
        var left = try negation()
        while true {
            let op: ArithmeticOperator
            switch current.kind {
            case .star: op = .multiply
            case .slash: op = .divide
            case .percent: op = .modulo
            default: return left
            }
            advance()
            let right = try negation()
            left = try arithmetic(op, left, right)
        }
    }

    private mutating func negation() throws(DisplayFilterError) -> Operand {
        guard current.kind == .minus else { return try primary() }
        let minus = current
        try enterNesting()
        defer { nesting -= 1 }
        advance()
        let operand = try negation()
        switch operand.kind {
        case .literal(let token, let negated):
            return Operand(kind: .literal(token, negated: !negated), column: minus.column,
                           length: operand.column + operand.length - minus.column)
        case .protocolName:
            throw .notSupported(reason: "FT_PROTOCOL cannot -.", at: location(operand))
        case .expr(let expr, let type):
            guard type.isInteger || type == .time else {
                throw .notSupported(reason: "\(ftName(operand)) cannot -.", at: location(operand))
            }
            return Operand(kind: .expr(.negate(expr), type == .time ? .time : .unsigned), column: minus.column,
                           length: operand.column + operand.length - minus.column)
        }
    }

    private func ftName(_ operand: Operand) -> String {
        guard let type = operand.type else { return "FT_PROTOCOL" }
        return type.ftName(width: operand.fieldName.flatMap { Self.integerWidths[$0] } ?? 4)
    }

    private mutating func arithmetic(_ op: ArithmeticOperator, _ left: Operand,
                                     _ right: Operand) throws(DisplayFilterError) -> Operand {
        let (column, length) = span(left, right)
        let (l, r) = try unify(left, right, integerOnly: true, symbol: op.symbol)
        return Operand(kind: .expr(.arithmetic(op, l, r), .unsigned), column: column, length: length)
    }

    private mutating func bitwiseAnd(_ left: Operand, _ right: Operand,
                                     _ operatorToken: FilterToken) throws(DisplayFilterError) -> Operand {
        let (column, length) = span(left, right)
        let (l, r) = try unify(left, right, integerOnly: false, symbol: "&")
        let type: FilterType = left.type.map { $0.isByteLike ? .bytes : $0 == .boolean ? .unsigned : $0 } ?? .unsigned
        return Operand(kind: .expr(.bitwiseAnd(l, r), type), column: column, length: length)
    }

    /// Both operands of `+ - * / % &` as expressions of one type: a literal takes the
    /// other side's type.
    private func unify(_ left: Operand, _ right: Operand, integerOnly: Bool,
                       symbol: String) throws(DisplayFilterError) -> (FilterExpr, FilterExpr) {
        func check(_ operand: Operand) throws(DisplayFilterError) {
            guard let type = operand.type else {
                if case .protocolName = operand.kind {
                    throw .notSupported(reason: "FT_PROTOCOL cannot \(symbol).", at: location(operand))
                }
                return
            }
            let allowed = integerOnly ? type.isInteger : (type.isInteger || type.isByteLike && type != .string
                                                          || type == .ipv4 || type == .mac)
            guard allowed else {
                throw .notSupported(reason: "\(ftName(operand)) cannot \(symbol).", at: location(operand))
            }
        }
        try check(left)
        try check(right)
        switch (left.kind, right.kind) {
        case (.expr(let l, let lt), .expr(let r, let rt)):
            guard compatible(lt, rt) || lt.isInteger && rt.isInteger else {
                throw .notSupported(reason: "\(name(left)) and \(name(right)) are not type compatible.", at: location(right))
            }
            return (l, r)
        case (.expr(let l, let type), .literal(let token, let negated)):
            return (l, try arithmeticLiteral(token, negated: negated, as: type, at: location(right)))
        case (.literal(let token, let negated), .expr(let r, let type)):
            return (try arithmeticLiteral(token, negated: negated, as: type, at: location(left)), r)
        case (.literal(let a, let na), .literal(let b, let nb)):
            return (try arithmeticLiteral(a, negated: na, as: .unsigned, at: location(left)),
                    try arithmeticLiteral(b, negated: nb, as: .unsigned, at: location(right)))
        default:
            throw .notSupported(reason: "FT_PROTOCOL cannot \(symbol).", at: location(left))
        }
    }

    private func arithmeticLiteral(_ token: FilterToken, negated: Bool, as type: FilterType,
                                   at: DisplayFilterError.Location) throws(DisplayFilterError) -> FilterExpr {
        if case .string = token.kind, type.isInteger {
            throw .notSupported(reason: "\(token.text) is not a valid arithmetic operand.", at: at)
        }
        return try constant(token, negated: negated, as: type.isByteLike ? .bytes : type)
    }

    private func name(_ operand: Operand) -> String {
        if let name = operand.fieldName { return name }
        switch operand.kind {
        case .literal(let token, _): return token.text
        case .protocolName(let name): return name
        case .expr: return String(filter.unicodeScalars.dropFirst(operand.column).prefix(operand.length))
        }
    }

    private mutating func primary() throws(DisplayFilterError) -> Operand {
        let token = current
        var result: Operand
        switch token.kind {
        case .word(let name):
            advance()
            if current.kind == .leftParen {
                result = try function(name, token)
            } else {
                result = try named(name, token)
            }
        case .string, .character:
            advance()
            result = Operand(kind: .literal(token, negated: false), column: token.column, length: token.length)
        case .reference(let name):
            advance()
            // `${field}` names the selected packet's field: the command line has none.
            if let field = FieldRegistry.field(named: name) {
                result = Operand(kind: .expr(.nothing, FilterType(field.kind)), column: token.column, length: token.length)
            } else if let native = NativeField.byName[name] {
                result = Operand(kind: .expr(.nothing, native.type), column: token.column, length: token.length)
            } else {
                throw .unknownMacro(name: name, at: location(token))
            }
        case .dollar:
            // `$name` is 4.2's spelling; 4.0 only knows `${name}` and stops at the name.
            advance()
            throw unexpected(current)
        case .leftBrace:
            try enterNesting()
            defer { nesting -= 1 }
            advance()
            let inner = try value()
            guard current.kind == .rightBrace else { throw unexpected(current) }
            result = inner
            result.column = token.column
            result.length = current.column + 1 - token.column
            result.fieldName = nil
            result.protocolName = nil
            advance()
        default:
            throw unexpected(token)
        }
        if case .hash(let text) = current.kind {
            result = try layer(result, text, current)
        }
        while case .slice(let text) = current.kind {
            let sliceToken = current
            result = try slice(result, text, sliceToken)
            advance()
        }
        return result
    }

    /// A field, a protocol or a literal word.
    private func named(_ name: String, _ token: FilterToken) throws(DisplayFilterError) -> Operand {
        // The filter's own byte-valued fields and protocols first: the field registry also
        // knows protocol names (`-e tcp` prints tshark's line for them), but a filter
        // compares a protocol's bytes.
        if let native = NativeField.byName[name] {
            var operand = Operand(kind: .expr(.native(native, layer: nil), native.type), column: token.column,
                                  length: token.length, fieldName: name)
            if case .proto = native { operand.protocolName = name }
            return operand
        }
        if Self.protocolNames.contains(name) || PacketTree.fieldsByName[name]?.type == .protocolNode {
            return Operand(kind: .protocolName(name), column: token.column, length: token.length,
                           fieldName: name, protocolName: name)
        }
        if let field = FieldRegistry.field(named: name) {
            return Operand(kind: .expr(.field(field, FilterType(field.kind), layer: nil), FilterType(field.kind)),
                           column: token.column, length: token.length, fieldName: name)
        }
        return Operand(kind: .literal(token, negated: false), column: token.column, length: token.length)
    }

    /// `field#n` or `field#[range]`: the occurrences of those layers (counting from 1).
    private mutating func layer(_ operand: Operand, _ text: String, _ token: FilterToken) throws(DisplayFilterError) -> Operand {
        var end = token.column + token.length
        let layers: ClosedRange<Int>
        if text.isEmpty, case .slice(let rangeText) = following.kind, following.column == end {
            // `#[2-3]`, `#[2:2]`, `#[2:]`, `#[2]`: one range of layers.
            let ranges = try sliceRanges(rangeText, following)
            guard ranges.count == 1, ranges[0].start >= 0 else {
                throw .invalidValue(text: rangeText, reason: "is not a valid layer range.", at: location(following))
            }
            // No frame has a million layers: clamping keeps the arithmetic from overflowing.
            let first = Swift.min(ranges[0].start, Self.maxLayer)
            let last = ranges[0].length.map { first + Swift.min(Swift.max($0, 1), Self.maxLayer) - 1 } ?? Self.maxLayer
            layers = first...Swift.max(first, last)
            end = following.column + following.length
            advance()
        } else {
            guard let first = text.unicodeScalars.first, ("0"..."9").contains(first) else {
                let shown = text.unicodeScalars.first.map { String($0) }
                    ?? (token.column + 1 < filter.unicodeScalars.count
                        ? String(Array(filter.unicodeScalars)[token.column + 1]) : "")
                throw .badLayer(found: shown, at: DisplayFilterError.Location(filter: filter, column: token.column + 1, length: 1))
            }
            guard let n = Int(text) else { throw unexpected(token) }
            layers = Swift.min(n, Self.maxLayer)...Swift.min(n, Self.maxLayer)
        }
        guard case .expr(let expr, let type) = operand.kind else { throw unexpected(token) }
        let layered: FilterExpr
        switch expr {
        case .field(let field, let type, _): layered = .field(field, type, layer: layers)
        case .native(let native, _): layered = .native(native, layer: layers)
        default: throw unexpected(token)
        }
        advance()
        var result = operand
        result.kind = .expr(layered, type)
        result.length = end - operand.column
        result.protocolName = nil
        return result
    }

    private func slice(_ operand: Operand, _ text: String, _ token: FilterToken) throws(DisplayFilterError) -> Operand {
        switch operand.kind {
        case .expr(let expr, let type):
            guard type.canSlice else {
                let width = operand.fieldName.flatMap { Self.integerWidths[$0] } ?? 4
                let typeName = type == .unsigned ? "Unsigned integer (\(width) byte\(width == 1 ? "" : "s"))" : type.name
                throw .notSupported(reason: "\"\(name(operand))\" is a \(typeName) and cannot be sliced into a sequence of bytes.",
                                    at: location(operand))
            }
            let ranges = try sliceRanges(text, token)
            return Operand(kind: .expr(.slice(expr, type, ranges), .bytes), column: operand.column,
                           length: token.column + token.length - operand.column)
        case .protocolName(let name):
            throw .notSupported(reason: "Slicing the protocol \"\(name)\" is not supported by tcpwatch yet.", at: location(operand))
        case .literal:
            throw unexpected(token)
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

    // MARK: functions

    private mutating func function(_ name: String, _ nameToken: FilterToken) throws(DisplayFilterError) -> Operand {
        guard let function = FilterFunction(rawValue: name) else {
            throw .notSupported(reason: "Function '\(name)' does not exist", at: location(nameToken))
        }
        try enterNesting()
        defer { nesting -= 1 }
        advance()  // (
        var arguments: [Operand] = []
        if current.kind != .rightParen {
            while true {
                arguments.append(try value())
                if current.kind == .comma { advance(); continue }
                break
            }
        }
        guard current.kind == .rightParen else { throw unexpected(current) }
        let end = current.column + 1
        advance()
        let (minimum, maximum) = function == .max || function == .min ? (1, Int.max) : (1, 1)
        guard arguments.count >= minimum, arguments.count <= maximum else {
            let count = maximum == Int.max ? "at least \(minimum)" : "\(minimum)"
            throw .notSupported(reason: "Function \(name)() needs \(count) argument\(minimum == 1 && maximum == 1 ? "" : "s"), not \(arguments.count).",
                                at: location(nameToken))
        }
        let argument = arguments[0]
        let expr: FilterExpr, type: FilterType
        switch function {
        case .len, .count:
            guard let field = argument.fieldName, case .expr(let e, let t) = argument.kind else {
                throw .notSupported(reason: "Only fields can be used as parameter for \(name)()", at: location(argument))
            }
            if function == .len, t == .unsigned || t == .boolean {
                // Integers have no bytes of their own in tcpwatch: the second argument
                // is the field's width, one value of it per occurrence.
                let width = FilterExpr.constant(.scalar(UInt64(Self.integerWidths[field] ?? 4)))
                return Operand(kind: .expr(.function(.len, [e, width]), .unsigned), column: nameToken.column,
                               length: end - nameToken.column, isFunction: true)
            }
            expr = .function(function, [e])
            type = .unsigned
        case .lower, .upper:
            guard case .expr(let e, let t) = argument.kind, t == .string else {
                throw .notSupported(reason: "Only string type fields can be used as parameter for \(name)()", at: location(argument))
            }
            expr = .function(function, [e])
            type = .string
        case .string:
            guard let field = argument.fieldName, case .expr(let e, let t) = argument.kind else {
                throw .notSupported(reason: "Only fields can be used as parameter for string()", at: location(argument))
            }
            guard t != .absoluteTime, t != .protocol, case .field(let definition, _, let layer) = e else {
                throw .notSupported(reason: "String conversion for field \"\(field)\" is not supported", at: location(argument))
            }
            // The registry writes every field as text in tshark's notation: that text is
            // the string.
            expr = .field(definition, .string, layer: layer)
            type = .string
        case .abs:
            guard case .expr(let e, let t) = argument.kind, t.isInteger || t == .time else {
                throw .notSupported(reason: "'\(self.name(argument))' is not a valid argument to 'abs'()", at: location(argument))
            }
            expr = .function(.abs, [e])
            type = t == .time ? .time : .unsigned
        case .max, .min:
            var exprs: [FilterExpr] = []
            var first: FilterType?
            // Literals take the type of the first argument that has one (`max(frame.len, 100)`).
            let literalType = arguments.lazy.compactMap(\.type).first ?? .unsigned
            for a in arguments {
                if case .literal(let token, let negated) = a.kind {
                    exprs.append(try constant(token, negated: negated, as: literalType, span: location(a)))
                    continue
                }
                guard case .expr(let e, let t) = a.kind, t.isInteger || t == .time || t == .ipv4 || t == .ipv6
                        || t == .mac || t == .absoluteTime else {
                    throw .notSupported(reason: "Argument '\(self.name(a))' is not valid for \(name)()", at: location(a))
                }
                if let first, !(compatible(first, t) || first.isInteger && t.isInteger) {
                    throw .notSupported(reason: "Arguments to '\(name)' must have the same type", at: location(a))
                }
                first = first ?? t
                exprs.append(e)
            }
            expr = .function(function, exprs)
            type = first.map { $0.isInteger ? .unsigned : $0 } ?? .unsigned
        }
        return Operand(kind: .expr(expr, type), column: nameToken.column, length: end - nameToken.column, isFunction: true)
    }

    // MARK: tests

    private mutating func test() throws(DisplayFilterError) -> FilterNode {
        let left = try value()
        let operatorToken = current
        switch current.kind {
        case .relation(let op):
            let l = try leftSide(left, operatorToken)
            advance()
            let right = try value()
            return .relation(l.0, op, try rightSide(right, against: left, l.1))
        case .in:
            let l = try leftSide(left, operatorToken)
            advance()
            return .member(l.0, try set(for: l.1))
        case .not where following.kind == .in:
            let l = try leftSide(left, following)
            advance()
            advance()
            return .not(.member(l.0, try set(for: l.1)))
        case .contains:
            let l = try leftSide(left, operatorToken)
            guard l.1.isByteLike else {
                throw .notSupported(reason: "\(name(left)) (type=\(typeName(left))) cannot participate in contains comparison.",
                                    at: location(left))
            }
            advance()
            let right = try value()
            return .contains(l.0, try rightSide(right, against: left, .bytes))
        case .matches:
            let l = try leftSide(left, operatorToken)
            guard l.1.isByteLike else {
                throw .notSupported(reason: "\(name(left)) (type=\(typeName(left))) cannot participate in matches comparison.",
                                    at: location(left))
            }
            advance()
            return .matches(l.0, try regex())
        default:
            if left.isFunction {
                throw .notSupported(reason: "You cannot test whether a function is present.",
                                    at: DisplayFilterError.Location(filter: filter, column: left.column,
                                                                    length: functionNameLength(left)))
            }
            if let name = left.protocolName { return .layer(Array(name.utf8)) }
            switch left.kind {
            case .expr(.bitwiseAnd(let a, let b), _):
                return .nonZero(.bitwiseAnd(a, b))
            case .expr(let expr, _):
                return .exists(expr)
            case .protocolName(let name):
                return .layer(Array(name.utf8))
            case .literal(let token, _):
                throw unknownName(token)
            }
        }
    }

    private func functionNameLength(_ operand: Operand) -> Int {
        let scalars = Array(filter.unicodeScalars)
        var n = 0
        while operand.column + n < scalars.count, FilterLexer.isWordScalar(scalars[operand.column + n]) { n += 1 }
        return n
    }

    private func typeName(_ operand: Operand) -> String {
        guard let type = operand.type else { return "Protocol" }
        if type == .unsigned {
            let width = operand.fieldName.flatMap { Self.integerWidths[$0] } ?? 4
            return "Unsigned integer (\(width) byte\(width == 1 ? "" : "s"))"
        }
        return type.name
    }

    /// The left side of a comparison must be a field, a function or arithmetic.
    private func leftSide(_ operand: Operand, _ operatorToken: FilterToken) throws(DisplayFilterError) -> (FilterExpr, FilterType) {
        switch operand.kind {
        case .expr(let expr, let type):
            return (expr, type)
        case .protocolName(let name):
            throw .notSupported(reason: "Comparing the protocol \"\(name)\" is not supported by tcpwatch yet.",
                                at: location(operand))
        case .literal(let token, _):
            throw .leftSide(operator: operatorToken.text, text: token.text,
                            suggestions: looksLikeFieldName(token.text) ? FieldRegistry.suggestions(for: token.text) : [],
                            at: location(operand))
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

    private func rightSide(_ right: Operand, against left: Operand, _ type: FilterType) throws(DisplayFilterError) -> FilterExpr {
        switch right.kind {
        case .expr(let expr, let rightType):
            guard compatible(type, rightType) else {
                throw .notSupported(reason: "\(name(left)) and \(name(right)) are not of compatible types.", at: location(right))
            }
            return expr
        case .protocolName(let name):
            // A protocol name on the right of a string comparison is just a word.
            if type.isByteLike, case .word = tokenAt(right.column)?.kind {
                return .constant(try literal(tokenAt(right.column)!, as: type))
            }
            throw .notSupported(reason: "Comparing with the protocol \"\(name)\" is not supported by tcpwatch yet.",
                                at: location(right))
        case .literal(let token, let negated):
            return try constant(token, negated: negated, as: type, span: location(right), field: left.fieldName)
        }
    }

    private func tokenAt(_ column: Int) -> FilterToken? { tokens.first { $0.column == column } }

    private func constant(_ token: FilterToken, negated: Bool, as type: FilterType,
                          span: DisplayFilterError.Location? = nil, field: String? = nil) throws(DisplayFilterError) -> FilterExpr {
        let value = try literal(token, as: type, field: field)
        guard negated else { return .constant(value) }
        // `-80`: a negative integer, which tshark accepts and never finds in an unsigned field.
        guard type.isInteger || type == .time, case .scalar = value else {
            throw .invalidValue(text: "-" + token.text, reason: "cannot be negative.", at: span ?? location(token))
        }
        return .negate(.constant(value))
    }

    private func compatible(_ a: FilterType, _ b: FilterType) -> Bool {
        if a == b { return true }
        if a.isInteger && b.isInteger { return true }
        return a.isByteLike && b.isByteLike
    }

    private mutating func set(for type: FilterType) throws(DisplayFilterError) -> [SetElement] {
        guard current.kind == .leftBrace else { throw unexpected(current) }
        advance()
        var elements: [SetElement] = []
        while true {
            let low = try setLiteral(for: type)
            if current.kind == .dotDot {
                advance()
                let high = try setLiteral(for: type)
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

    private mutating func setLiteral(for type: FilterType) throws(DisplayFilterError) -> FilterValue {
        var negated = false
        if current.kind == .minus {
            negated = true
            advance()
        }
        let token = current
        switch token.kind {
        case .word(let name) where FieldRegistry.field(named: name) != nil:
            throw .notSupported(reason: "Fields inside a set are not supported by tcpwatch yet; use literals.", at: location(token))
        case .word, .string, .character:
            advance()
            let value = try literal(token, as: type)
            guard negated else { return value }
            guard case .scalar(let v) = value, v <= UInt64(Int64.max) else {
                throw .invalidValue(text: "-" + token.text, reason: "cannot be negative.", at: location(token))
            }
            return .signed(-Int64(v))
        default:
            throw unexpected(token)
        }
    }

    private mutating func regex() throws(DisplayFilterError) -> BoundedRegex {
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
        do throws(RegexSyntaxError) {
            // Wireshark's `matches` is case-insensitive unless the pattern says `(?-i)`.
            return try BoundedRegex(pattern)
        } catch {
            throw .invalidRegex(pattern: pattern, reason: error.reason, at: location(token))
        }
    }

    // MARK: literals

    /// Reads a literal token as a value of `type`.
    /// `field` names the field on the other side, for tshark's messages.
    private func literal(_ token: FilterToken, as type: FilterType, field: String? = nil) throws(DisplayFilterError) -> FilterValue {
        let at = location(token)
        let text: String
        switch token.kind {
        case .word(let word):
            text = word
        case .string(let bytes):
            if type.isByteLike { return .bytes(bytes[...]) }
            if type == .absoluteTime {
                guard let value = FilterValues.absoluteTime(String(decoding: bytes, as: UTF8.self)) else {
                    throw .invalidValue(text: String(decoding: bytes, as: UTF8.self),
                                        reason: "is not a valid absolute time. Example: \"Nov 12, 1999 08:55:44.123\" or \"2011-07-04 12:34:56\"",
                                        at: at)
                }
                return .scalar(value)
            }
            let width = field.flatMap { Self.integerWidths[$0] } ?? 4
            let name = type == .unsigned ? "Unsigned integer (\(width) byte\(width == 1 ? "" : "s"))" : type.name
            throw .notSupported(reason: "\(name) cannot be converted from a string (\(token.text)).", at: at)
        case .character(let value):
            switch type {
            case .unsigned: return .scalar(value)
            case .boolean: return .scalar(value == 0 ? 0 : 1)
            case .bytes, .string, .protocol:
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
                    throw .invalidValue(text: text, reason: "cannot be found among the possible values for \(field ?? "the field").",
                                        at: at)
                }
                return .scalar(value == 0 ? 0 : 1)
            }
        case .ipv4:
            let (address, prefix) = try split(text, at: at, maxPrefix: 32, family: "IPv4")
            guard let value = FilterValues.ipv4(address.utf8) else {
                throw .invalidValue(text: address, reason: "is not a valid hostname or IPv4 address.", at: at)
            }
            guard let prefix else { return .scalar(UInt64(value)) }
            let mask: UInt64 = prefix == 0 ? 0 : (UInt64(0xFFFF_FFFF) << UInt64(32 - prefix)) & 0xFFFF_FFFF
            return .masked(network: UInt64(value) & mask, mask: mask)
        case .ipv6:
            let (address, prefix) = try split(text, at: at, maxPrefix: 128, family: "IPv6")
            guard let value = FilterValues.ipv6(address.utf8) else {
                throw .invalidValue(text: address, reason: "is not a valid hostname or IPv6 address.", at: at)
            }
            guard let prefix else { return .wide(value.0, value.1) }
            func mask(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? .max : ~(UInt64.max >> UInt64(bits)) }
            let m = (mask(prefix), mask(prefix - 64))
            return .maskedWide(network: (value.0 & m.0, value.1 & m.1), mask: m)
        case .mac:
            guard let value = FilterValues.mac(utf8) ?? FilterValues.plainMAC(utf8) else {
                let count = FilterValues.byteString(utf8)?.count
                let reason = count.map { $0 < 6 ? "contains too few bytes to be a valid Ethernet address." : "contains too many bytes to be a valid Ethernet address." }
                throw .invalidValue(text: text, reason: reason ?? "is not a valid Ethernet address.", at: at)
            }
            return .scalar(value)
        case .time:
            guard let value = FilterValues.time(utf8) else {
                throw .invalidValue(text: text, reason: "is not a valid time.", at: at)
            }
            return .scalar(value)
        case .absoluteTime:
            throw .invalidValue(text: text, reason: "is not a valid absolute time. Example: \"Nov 12, 1999 08:55:44.123\" or \"2011-07-04 12:34:56\"",
                                at: at)
        case .string:
            return .bytes(utf8[...])
        case .bytes, .protocol:
            // A byte string first (`18` is the byte 0x18), then an integer in its
            // shortest big-endian form (`0x12`), as tshark reads `tcp[13] & 0x12`.
            if let bytes = FilterValues.byteString(utf8) { return .bytes(bytes[...]) }
            if let number = FilterValues.number(utf8) {
                var bytes: [UInt8] = []
                var v = number
                repeat {
                    bytes.insert(UInt8(truncatingIfNeeded: v), at: 0)
                    v >>= 8
                } while v != 0
                return .bytes(bytes[...])
            }
            throw .invalidValue(text: text, reason: "is not a valid byte string.", at: at)
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
            throw .notSupported(reason: "Netmask bits in a CIDR \(family) address should be <= \(maxPrefix), not \(bits)", at: at)
        }
        return (address, bits)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
