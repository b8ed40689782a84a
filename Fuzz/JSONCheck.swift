// A strict RFC 8259 checker for the fuzz targets' oracle: `-T json` must be valid JSON
// (and valid UTF-8) for any input (issue 7, "Safe output").

/// True when `bytes` is exactly one JSON value followed by a newline.
func isValidJSONLine(_ bytes: [UInt8]) -> Bool {
    guard String(validating: bytes, as: UTF8.self) != nil else { return false }
    var p = JSONScanner(bytes: bytes)
    guard p.value(depth: 0) else { return false }
    return p.i == bytes.count - 1 && bytes[p.i] == 10
}

/// True when every non-empty line of `bytes` is exactly one JSON value (the last line may
/// lack its newline): what checking each line with `isValidJSONLine` says, without
/// splitting and copying.
func areValidJSONLines(_ bytes: [UInt8]) -> Bool {
    guard String(validating: bytes, as: UTF8.self) != nil else { return false }
    var p = JSONScanner(bytes: bytes)
    while p.i < bytes.count {
        if bytes[p.i] == 10 { p.i += 1; continue }
        guard p.value(depth: 0) else { return false }
        guard p.i == bytes.count || bytes[p.i] == 10 else { return false }
    }
    return true
}

private struct JSONScanner {
    let bytes: [UInt8]
    var i = 0

    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 13 { i += 1 }
    }

    mutating func eat(_ c: UInt8) -> Bool {
        skipSpace()
        guard i < bytes.count, bytes[i] == c else { return false }
        i += 1
        return true
    }

    mutating func value(depth: Int) -> Bool {
        guard depth < 64 else { return false }
        skipSpace()
        guard i < bytes.count else { return false }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            if eat(UInt8(ascii: "}")) { return true }
            repeat {
                skipSpace()
                guard string(), eat(UInt8(ascii: ":")), value(depth: depth + 1) else { return false }
            } while eat(UInt8(ascii: ","))
            return eat(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            i += 1
            if eat(UInt8(ascii: "]")) { return true }
            repeat {
                guard value(depth: depth + 1) else { return false }
            } while eat(UInt8(ascii: ","))
            return eat(UInt8(ascii: "]"))
        case UInt8(ascii: "\""):
            return string()
        default:
            return literal()
        }
    }

    mutating func string() -> Bool {
        guard i < bytes.count, bytes[i] == 34 else { return false }
        i += 1
        while i < bytes.count {
            let c = bytes[i]
            i += 1
            switch c {
            case 34: return true
            case 92:
                guard i < bytes.count else { return false }
                let e = bytes[i]
                i += 1
                if e == UInt8(ascii: "u") {
                    guard i + 4 <= bytes.count, bytes[i..<i + 4].allSatisfy(isHex) else { return false }
                    i += 4
                } else if !Array("\"\\/bfnrt".utf8).contains(e) {
                    return false
                }
            case 0..<0x20: return false
            default: break
            }
        }
        return false
    }

    /// Numbers, true, false, null (tcpwatch writes only strings, but accept them all).
    mutating func literal() -> Bool {
        for word in ["true", "false", "null"] {
            let w = Array(word.utf8)
            if i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w {
                i += w.count
                return true
            }
        }
        let start = i
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) || [46, 69, 101, 43, 45].contains(bytes[i]) {
            i += 1
        }
        return i > start
    }

    func isHex(_ c: UInt8) -> Bool {
        (48...57).contains(c) || (65...70).contains(c) || (97...102).contains(c)
    }
}
