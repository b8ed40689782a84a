/// The `matches` engine: a backtracking matcher over bytes with a step limit, so that no
/// packet can make a match run long.
///
/// Swift's `Regex` has no match limit and does not stop when its task is cancelled, and
/// patterns such as `(a|aa)*$` backtrack exponentially without repeating a repetition (so
/// ``RegexSafety`` cannot see them). Wireshark's PCRE2 gives up at its match limit and
/// the test is false; this matcher does the same after `stepLimit` steps per value.
///
/// It reads PCRE's syntax as display filters use it: literals and escapes, `.`, classes
/// (`[a-z]`, `[^...]`, `\d \w \s` and their negations), anchors (`^ $ \A \z \Z \b \B`),
/// groups (`(...)`, `(?:...)`, `(?i:...)`), alternation, and the quantifiers
/// `* + ? {n} {n,} {n,m}` with their lazy forms, and the flags `i`, `s`, `m`, `x`-less.
/// Matching is on bytes, as PCRE2 without UTF, and case-insensitive unless the pattern
/// says `(?-i)`. Lookaround, back-references and possessive quantifiers are refused.
final class BoundedRegex {
    /// Steps (one per instruction executed) before a match gives up as "no match". A
    /// step costs a few nanoseconds: the limit keeps one value under about 10 ms.
    static let stepLimit = 1_000_000
    /// Counted repetition (`{n,m}`) is compiled by copying; past this size a pattern is
    /// refused.
    static let maxProgram = 20_000

    enum Instruction {
        case byte(UInt8)
        case set(ByteSet)
        /// Try `first`, then `second`.
        case split(Int, Int)
        case jump(Int)
        case assert(Assertion)
        case match
    }

    enum Assertion {
        case textStart, textEnd, textEndOrFinalNewline, lineStart, lineEnd, wordBoundary, notWordBoundary
    }

    private let program: [Instruction]
    /// The pattern can only match at the start (`^` without multiline, or `\A`).
    private let anchored: Bool
    /// The bytes a match can start with, or nil when it can start with anything (or be
    /// empty): other start positions are skipped without running the program.
    private let firstBytes: ByteSet?
    /// Reused across matches: evaluation is single-threaded per filter.
    private var stack: [(pc: Int, sp: Int)] = []

    /// Compiles `pattern`; the error text is PCRE2's where tcpwatch has one.
    init(_ pattern: String) throws(RegexSyntaxError) {
        var parser = RegexParser(Array(pattern.utf8))
        let tree = try parser.parse()
        var compiler = RegexCompiler()
        try compiler.compile(tree)
        compiler.program.append(.match)
        program = compiler.program
        anchored = tree.isAnchoredAtStart
        firstBytes = Self.firstBytes(compiler.program)
    }

    /// Follows splits, jumps and assertions from the start to the first instruction that
    /// consumes a byte on every path; nil if a path reaches `match` first.
    private static func firstBytes(_ program: [Instruction]) -> ByteSet? {
        var set = ByteSet()
        var seen = Set<Int>()
        var pending = [0]
        while let pc = pending.popLast() {
            guard seen.insert(pc).inserted else { continue }
            switch program[pc] {
            case .byte(let b): set.insert(b)
            case .set(let s): set.formUnion(s)
            case .split(let a, let b): pending += [a, b]
            case .jump(let target): pending.append(target)
            case .assert: pending.append(pc + 1)
            case .match: return nil
            }
        }
        return set
    }

    func matches(_ bytes: ArraySlice<UInt8>) -> Bool {
        // The stack lives in a local while the match runs: a class property would be
        // checked for exclusive access at every push and pop.
        var stack: [(pc: Int, sp: Int)] = []
        swap(&stack, &self.stack)
        defer { swap(&stack, &self.stack) }
        return bytes.withUnsafeBufferPointer { run($0, &stack) }
    }

    private func run(_ bytes: UnsafeBufferPointer<UInt8>, _ stack: inout [(pc: Int, sp: Int)]) -> Bool {
        var steps = 0
        let end = bytes.count
        let lastStart = anchored ? 0 : end
        var start = 0
        while start <= lastStart {
            if let firstBytes {
                // An anchored pattern has one start: no scan past it.
                if anchored { guard start < end, firstBytes.contains(bytes[start]) else { return false } }
                while start < end && !firstBytes.contains(bytes[start]) { start += 1 }
                if start >= end { return false }
            }
            stack.removeAll(keepingCapacity: true)
            stack.append((0, start))
            while let thread = stack.popLast() {
                var pc = thread.pc, sp = thread.sp
                threadLoop: while true {
                    steps += 1
                    if steps > Self.stepLimit { return false }
                    switch program[pc] {
                    case .byte(let b):
                        guard sp < end, bytes[sp] == b else { break threadLoop }
                        sp += 1
                        pc += 1
                    case .set(let set):
                        guard sp < end, set.contains(bytes[sp]) else { break threadLoop }
                        sp += 1
                        pc += 1
                    case .split(let first, let second):
                        stack.append((second, sp))
                        pc = first
                    case .jump(let target):
                        pc = target
                    case .assert(let assertion):
                        guard Self.holds(assertion, bytes, sp) else { break threadLoop }
                        pc += 1
                    case .match:
                        return true
                    }
                }
            }
            start += 1
        }
        return false
    }

    private static func holds(_ assertion: Assertion, _ bytes: UnsafeBufferPointer<UInt8>, _ sp: Int) -> Bool {
        let end = bytes.count
        switch assertion {
        case .textStart: return sp == 0
        case .textEnd: return sp == end
        case .textEndOrFinalNewline: return sp == end || (sp == end - 1 && bytes[sp] == 10)
        case .lineStart: return sp == 0 || bytes[sp - 1] == 10
        case .lineEnd: return sp == end || bytes[sp] == 10
        case .wordBoundary, .notWordBoundary:
            let before = sp > 0 && ByteSet.word.contains(bytes[sp - 1])
            let after = sp < end && ByteSet.word.contains(bytes[sp])
            return (before != after) == (assertion == .wordBoundary)
        }
    }
}

/// Why a `matches` pattern does not compile, with the byte offset in the pattern.
struct RegexSyntaxError: Error {
    let reason: String
    let offset: Int
}

/// A set of bytes, as four 64-bit words.
struct ByteSet: Equatable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    static func == (a: ByteSet, b: ByteSet) -> Bool { a.words == b.words }

    /// Branch-free: the scan for a match's first byte calls this once per byte.
    @inline(__always)
    func contains(_ b: UInt8) -> Bool {
        let word = withUnsafeBytes(of: words) { $0.load(fromByteOffset: Int(b >> 6) &* 8, as: UInt64.self) }
        return word & (UInt64(1) << UInt64(b & 63)) != 0
    }

    mutating func insert(_ b: UInt8) {
        let bit = UInt64(1) << UInt64(b & 63)
        switch b >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    mutating func insert(_ range: ClosedRange<UInt8>) { for b in range { insert(b) } }
    mutating func formUnion(_ other: ByteSet) {
        words.0 |= other.words.0; words.1 |= other.words.1; words.2 |= other.words.2; words.3 |= other.words.3
    }

    var inverted: ByteSet {
        var s = ByteSet()
        s.words = (~words.0, ~words.1, ~words.2, ~words.3)
        return s
    }

    /// Both cases of every ASCII letter in the set.
    var caseFolded: ByteSet {
        var s = self
        for b in UInt8(65)...90 where contains(b) || contains(b + 32) {
            s.insert(b)
            s.insert(b + 32)
        }
        return s
    }

    static let digit: ByteSet = { var s = ByteSet(); s.insert(48...57); return s }()
    static let word: ByteSet = {
        var s = ByteSet(); s.insert(48...57); s.insert(65...90); s.insert(97...122); s.insert(95); return s
    }()
    static let space: ByteSet = { var s = ByteSet(); for b: UInt8 in [9, 10, 11, 12, 13, 32] { s.insert(b) }; return s }()
    static let all = ByteSet().inverted
    static let notNewline: ByteSet = { var s = all; s.words.0 &= ~(UInt64(1) << 10); return s }()
}

/// A parsed pattern.
indirect enum RegexNode {
    case empty
    case set(ByteSet)
    case assert(BoundedRegex.Assertion)
    case concat([RegexNode])
    case alternation([RegexNode])
    case repeated(RegexNode, min: Int, max: Int?, lazy: Bool)

    /// Whether it can match without consuming a byte.
    var isNullable: Bool {
        switch self {
        case .empty, .assert: true
        case .set: false
        case .concat(let parts): parts.allSatisfy(\.isNullable)
        case .alternation(let parts): parts.contains(where: \.isNullable)
        case .repeated(let node, let min, _, _): min == 0 || node.isNullable
        }
    }

    var isAnchoredAtStart: Bool {
        switch self {
        case .assert(.textStart): true
        case .concat(let parts): parts.first?.isAnchoredAtStart ?? false
        case .alternation(let parts): !parts.isEmpty && parts.allSatisfy(\.isAnchoredAtStart)
        default: false
        }
    }
}

private struct RegexParser {
    struct Flags { var caseless = true, dotAll = false, multiline = false }

    let p: [UInt8]
    var i = 0
    var flags = Flags()
    var depth = 0

    init(_ pattern: [UInt8]) { p = pattern }

    func fail(_ reason: String, _ at: Int? = nil) -> RegexSyntaxError { RegexSyntaxError(reason: reason, offset: at ?? i) }
    var atEnd: Bool { i >= p.count }
    func peek(_ k: Int = 0) -> UInt8? { i + k < p.count ? p[i + k] : nil }

    mutating func parse() throws(RegexSyntaxError) -> RegexNode {
        let node = try alternation()
        if !atEnd { throw fail("unmatched closing parenthesis") }
        return node
    }

    mutating func alternation() throws(RegexSyntaxError) -> RegexNode {
        var branches = [try concat()]
        while peek() == UInt8(ascii: "|") {
            i += 1
            branches.append(try concat())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    mutating func concat() throws(RegexSyntaxError) -> RegexNode {
        var parts: [RegexNode] = []
        while let c = peek(), c != UInt8(ascii: "|"), c != UInt8(ascii: ")") {
            let atomStart = i
            guard var atom = try atom() else { continue }
            atom = try quantified(atom, atomStart)
            parts.append(atom)
        }
        return parts.count == 1 ? parts[0] : .concat(parts)
    }

    mutating func quantified(_ atom: RegexNode, _ atomStart: Int) throws(RegexSyntaxError) -> RegexNode {
        guard let c = peek() else { return atom }
        var min = 0, max: Int? = nil
        switch c {
        case UInt8(ascii: "*"): i += 1
        case UInt8(ascii: "+"): i += 1; min = 1
        case UInt8(ascii: "?"): i += 1; max = 1
        case UInt8(ascii: "{"):
            guard let (lo, hi, length) = counted() else { return atom }
            i += length
            min = lo
            max = hi
            if let hi, hi < lo { throw fail("numbers out of order in {} quantifier", i - 1) }
            if lo > 1000 || (hi ?? 0) > 1000 { throw fail("number too big in {} quantifier", i - 1) }
        default:
            return atom
        }
        if case .assert = atom { throw fail("quantifier does not follow a repeatable item", i - 1) }
        var lazy = false
        if peek() == UInt8(ascii: "?") { i += 1; lazy = true } else if peek() == UInt8(ascii: "+") {
            throw fail("possessive quantifiers are not supported by tcpwatch", i)
        }
        if let next = peek(), next == UInt8(ascii: "*") || next == UInt8(ascii: "+") || next == UInt8(ascii: "?") {
            throw fail("quantifier does not follow a repeatable item", i)
        }
        // An unbounded loop over something that can match nothing would never advance.
        if max == nil && atom.isNullable {
            throw fail("an unbounded repeat of something that can match nothing is not supported by tcpwatch", atomStart)
        }
        return .repeated(atom, min: min, max: max, lazy: lazy)
    }

    /// `{n}`, `{n,}`, `{n,m}` at `i`: the bounds and the length; nil when it is a literal `{`.
    func counted() -> (Int, Int?, Int)? {
        var j = i + 1
        func number() -> Int? {
            let s = j
            var v = 0
            while j < p.count, p[j] >= 48, p[j] <= 57 { v = Swift.min(v * 10 + Int(p[j] - 48), 100_000); j += 1 }
            return j > s ? v : nil
        }
        guard let lo = number() else { return nil }
        var hi: Int? = lo
        if j < p.count, p[j] == UInt8(ascii: ",") {
            j += 1
            hi = number()
        }
        guard j < p.count, p[j] == UInt8(ascii: "}") else { return nil }
        return (lo, hi, j + 1 - i)
    }

    func literal(_ b: UInt8) -> RegexNode {
        var s = ByteSet()
        s.insert(b)
        return .set(flags.caseless ? s.caseFolded : s)
    }

    mutating func atom() throws(RegexSyntaxError) -> RegexNode? {
        let c = p[i]
        i += 1
        switch c {
        case UInt8(ascii: "("):
            return try group()
        case UInt8(ascii: "["):
            return .set(try characterClass())
        case UInt8(ascii: "."):
            return .set(flags.dotAll ? .all : .notNewline)
        case UInt8(ascii: "^"):
            return .assert(flags.multiline ? .lineStart : .textStart)
        case UInt8(ascii: "$"):
            return .assert(flags.multiline ? .lineEnd : .textEndOrFinalNewline)
        case UInt8(ascii: "\\"):
            return try escape()
        case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"):
            throw fail("quantifier does not follow a repeatable item", i - 1)
        case UInt8(ascii: "{"):
            i -= 1
            if counted() != nil { throw fail("quantifier does not follow a repeatable item") }
            i += 1
            return literal(c)
        default:
            return literal(c)
        }
    }

    mutating func group() throws(RegexSyntaxError) -> RegexNode? {
        let open = i - 1
        depth += 1
        defer { depth -= 1 }
        if depth > 100 { throw fail("parentheses are too deeply nested", open) }
        let saved = flags
        if peek() == UInt8(ascii: "?") {
            i += 1
            // (?:...), (?flags), (?flags:...)
            var on = true
            var newFlags = flags
            while let c = peek() {
                i += 1
                switch c {
                case UInt8(ascii: "i"): newFlags.caseless = on
                case UInt8(ascii: "s"): newFlags.dotAll = on
                case UInt8(ascii: "m"): newFlags.multiline = on
                case UInt8(ascii: "-"): on = false
                case UInt8(ascii: ")"):
                    // `(?i)`: the flags hold to the end of the enclosing group.
                    flags = newFlags
                    return nil
                case UInt8(ascii: ":"):
                    flags = newFlags
                    let inner = try alternation()
                    guard peek() == UInt8(ascii: ")") else { throw fail("missing closing parenthesis", p.count) }
                    i += 1
                    flags = saved
                    return inner
                default:
                    throw fail("lookaround, named groups and other (? constructs are not supported by tcpwatch", open)
                }
            }
            throw fail("missing closing parenthesis", p.count)
        }
        let inner = try alternation()
        guard peek() == UInt8(ascii: ")") else { throw fail("missing closing parenthesis", p.count) }
        i += 1
        flags = saved
        return inner
    }

    /// After `\`: an escape outside a class.
    mutating func escape() throws(RegexSyntaxError) -> RegexNode {
        guard let c = peek() else { throw fail("\\ at end of pattern") }
        switch c {
        case UInt8(ascii: "b"): i += 1; return .assert(.wordBoundary)
        case UInt8(ascii: "B"): i += 1; return .assert(.notWordBoundary)
        case UInt8(ascii: "A"): i += 1; return .assert(.textStart)
        case UInt8(ascii: "z"): i += 1; return .assert(.textEnd)
        case UInt8(ascii: "Z"): i += 1; return .assert(.textEndOrFinalNewline)
        case UInt8(ascii: "1")...UInt8(ascii: "9"), UInt8(ascii: "g"), UInt8(ascii: "k"):
            throw fail("back-references are not supported by tcpwatch")
        default:
            let set = try classEscape()
            return .set(flags.caseless ? set.caseFolded : set)
        }
    }

    /// After `\`, in or out of a class: the bytes it stands for.
    mutating func classEscape() throws(RegexSyntaxError) -> ByteSet {
        guard let c = peek() else { throw fail("\\ at end of pattern") }
        i += 1
        func one(_ b: UInt8) -> ByteSet { var s = ByteSet(); s.insert(b); return s }
        switch c {
        case UInt8(ascii: "d"): return .digit
        case UInt8(ascii: "D"): return ByteSet.digit.inverted
        case UInt8(ascii: "w"): return .word
        case UInt8(ascii: "W"): return ByteSet.word.inverted
        case UInt8(ascii: "s"): return .space
        case UInt8(ascii: "S"): return ByteSet.space.inverted
        case UInt8(ascii: "n"): return one(10)
        case UInt8(ascii: "r"): return one(13)
        case UInt8(ascii: "t"): return one(9)
        case UInt8(ascii: "f"): return one(12)
        case UInt8(ascii: "v"): return one(11)
        case UInt8(ascii: "e"): return one(27)
        case UInt8(ascii: "a"): return one(7)
        case UInt8(ascii: "0"):
            var v = 0, n = 0
            while n < 2, let d = peek(), d >= 48, d <= 55 { v = v * 8 + Int(d - 48); i += 1; n += 1 }
            return one(UInt8(v))
        case UInt8(ascii: "x"):
            var v = 0
            if peek() == UInt8(ascii: "{") {
                i += 1
                while let d = peek(), let h = hexValue(Unicode.Scalar(d)) { v = Swift.min(v * 16 + h, 0x10FFFF); i += 1 }
                guard peek() == UInt8(ascii: "}") else { throw fail("missing terminating } in \\x{}") }
                i += 1
            } else {
                var n = 0
                while n < 2, let d = peek(), let h = hexValue(Unicode.Scalar(d)) { v = v * 16 + h; i += 1; n += 1 }
            }
            guard v < 256 else { throw fail("character code point value in \\x{} is too large without UTF") }
            return one(UInt8(v))
        default:
            // Letters and digits not listed are PCRE escapes tcpwatch does not have.
            if (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) {
                throw fail("the escape \\\(Character(Unicode.Scalar(c))) is not supported by tcpwatch", i - 2)
            }
            return one(c)
        }
    }

    /// After `[`.
    mutating func characterClass() throws(RegexSyntaxError) -> ByteSet {
        let open = i - 1
        var set = ByteSet()
        var negated = false
        if peek() == UInt8(ascii: "^") { negated = true; i += 1 }
        var first = true
        while true {
            guard let c = peek() else { throw fail("missing terminating ] for character class", open) }
            if c == UInt8(ascii: "]") && !first { i += 1; break }
            first = false
            if c == UInt8(ascii: "["), peek(1) == UInt8(ascii: ":") {
                throw fail("POSIX classes are not supported by tcpwatch")
            }
            var low: UInt8
            if c == UInt8(ascii: "\\") {
                i += 1
                let escaped = try classEscape()
                // A single byte can start a range; \d and the like cannot.
                var single: UInt8? = nil
                var n = 0
                for b in 0...255 where escaped.contains(UInt8(b)) { n += 1; single = UInt8(b); if n > 1 { break } }
                guard n == 1, let s = single else { set.formUnion(escaped); continue }
                low = s
            } else {
                i += 1
                low = c
            }
            if peek() == UInt8(ascii: "-"), let next = peek(1), next != UInt8(ascii: "]") {
                i += 1
                var high: UInt8
                if next == UInt8(ascii: "\\") {
                    i += 1
                    let escaped = try classEscape()
                    var single: UInt8? = nil
                    for b in 0...255 where escaped.contains(UInt8(b)) { single = UInt8(b); break }
                    guard let s = single else { throw fail("invalid range in character class") }
                    high = s
                } else {
                    i += 1
                    high = next
                }
                guard low <= high else { throw fail("range out of order in character class", i - 1) }
                set.insert(low...high)
            } else {
                set.insert(low)
            }
        }
        if flags.caseless { set = set.caseFolded }
        return negated ? set.inverted : set
    }
}

private struct RegexCompiler {
    var program: [BoundedRegex.Instruction] = []

    mutating func emit(_ instruction: BoundedRegex.Instruction) throws(RegexSyntaxError) -> Int {
        guard program.count < BoundedRegex.maxProgram else {
            throw RegexSyntaxError(reason: "the pattern is too large for tcpwatch's bounded matcher", offset: 0)
        }
        program.append(instruction)
        return program.count - 1
    }

    mutating func compile(_ node: RegexNode) throws(RegexSyntaxError) {
        switch node {
        case .empty:
            break
        case .set(let set):
            var only: UInt8? = nil, n = 0
            for b in 0...255 where set.contains(UInt8(b)) { n += 1; only = UInt8(b); if n > 1 { break } }
            _ = try emit(n == 1 ? .byte(only!) : .set(set))
        case .assert(let assertion):
            _ = try emit(.assert(assertion))
        case .concat(let parts):
            for part in parts { try compile(part) }
        case .alternation(let branches):
            var jumps: [Int] = []
            for (k, branch) in branches.enumerated() {
                if k < branches.count - 1 {
                    let split = try emit(.split(0, 0))
                    try compile(branch)
                    jumps.append(try emit(.jump(0)))
                    program[split] = .split(split + 1, program.count)
                } else {
                    try compile(branch)
                }
            }
            for j in jumps { program[j] = .jump(program.count) }
        case .repeated(let body, let min, let max, let lazy):
            for _ in 0..<min { try compile(body) }
            if let max {
                // Each optional copy: split(body, end-of-all).
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(try emit(.split(0, 0)))
                    try compile(body)
                }
                let end = program.count
                for s in splits { program[s] = lazy ? .split(end, s + 1) : .split(s + 1, end) }
            } else {
                let loop = try emit(.split(0, 0))
                try compile(body)
                _ = try emit(.jump(loop))
                let end = program.count
                program[loop] = lazy ? .split(end, loop + 1) : .split(loop + 1, end)
            }
        }
    }
}
