/// Finds unbounded repetition nested inside unbounded repetition, such as `(a+)+` or
/// `(\w*,)*x`: Swift's regex engine backtracks without a step limit, so such a pattern can
/// take time exponential in the length of a field that a hostile packet controls. Wireshark's PCRE2 stops such a
/// match at its match limit; tcpwatch refuses the pattern instead, before any packet is read.
enum RegexSafety {
    /// The character offset of the group that repeats a repetition, if the pattern has one.
    static func nestedRepetition(in pattern: String) -> Int? {
        let chars = Array(pattern.unicodeScalars)
        // One entry per open group: its start, and whether something inside it repeats.
        var groups: [(start: Int, repeatsInside: Bool)] = [(0, false)]
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "\\":
                i += 2
                if i <= chars.count, let length = repetitionLength(chars, at: i) {
                    groups[groups.count - 1].repeatsInside = true
                    i += length
                }
                continue
            case "[":
                i = endOfClass(chars, from: i)
                if let length = repetitionLength(chars, at: i) {
                    groups[groups.count - 1].repeatsInside = true
                    i += length
                }
                continue
            case "(":
                groups.append((i, false))
            case ")":
                guard groups.count > 1 else { break }
                let group = groups.removeLast()
                if let length = repetitionLength(chars, at: i + 1) {
                    if group.repeatsInside { return group.start }
                    groups[groups.count - 1].repeatsInside = true
                    i += length
                } else if group.repeatsInside {
                    groups[groups.count - 1].repeatsInside = true
                }
            default:
                if let length = repetitionLength(chars, at: i + 1) {
                    groups[groups.count - 1].repeatsInside = true
                    i += length
                }
            }
            i += 1
        }
        return nil
    }

    /// The length of an unbounded quantifier at `i` (`*`, `+` or `{n,}`, with any lazy or
    /// possessive suffix), or nil. Star height, as safe-regex measures it: bounded repeats
    /// and overlapping alternatives (`(a|a)*`) can be slow too, but are left alone, since
    /// flagging them would refuse ordinary patterns such as `(\d+\.){3}`.
    private static func repetitionLength(_ chars: [Unicode.Scalar], at i: Int) -> Int? {
        guard i < chars.count else { return nil }
        var length: Int
        switch chars[i] {
        case "*", "+":
            length = 1
        case "{":
            // Only {n,} is unbounded; {n}, {n,m} and anything else end here.
            var j = i + 1
            while j < chars.count, chars[j].value >= 48 && chars[j].value <= 57 { j += 1 }
            guard j > i + 1, j + 1 < chars.count, chars[j] == ",", chars[j + 1] == "}" else { return nil }
            length = j + 2 - i
        default:
            return nil
        }
        if i + length < chars.count, chars[i + length] == "?" || chars[i + length] == "+" { length += 1 }
        return length
    }

    /// The index after the character class that opens at `start`.
    private static func endOfClass(_ chars: [Unicode.Scalar], from start: Int) -> Int {
        var j = start + 1
        if j < chars.count, chars[j] == "^" { j += 1 }
        if j < chars.count, chars[j] == "]" { j += 1 }
        while j < chars.count, chars[j] != "]" {
            j += chars[j] == "\\" ? 2 : 1
        }
        return min(j + 1, chars.count)
    }
}

