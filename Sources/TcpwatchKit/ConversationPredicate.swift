import Follow

/// Conditions over a conversation's conn.log fields: `id.resp_p==6789 && conn_state==SF`.
/// Fields: id.orig_h, id.orig_p, id.resp_h, id.resp_p, conn_state, history, stream.
/// Operators: == != < <= > >=, joined by && (or `and`).
public struct ConversationPredicate: Sendable {
    struct Condition: Sendable {
        var field: String
        var op: String
        var value: String
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    static let fields = ["id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "conn_state", "history", "stream"]
    let conditions: [Condition]

    public init(_ text: String) throws(ParseError) {
        var conditions: [Condition] = []
        let parts = text.replacingOccurrences(" and ", "&&").components("&&")
        for raw in parts {
            let part = raw.trimmed
            guard !part.isEmpty else { continue }
            guard let op = ["==", "!=", "<=", ">=", "<", ">"].first(where: { part.contains($0) }),
                  let range = part.firstRange(of: op) else {
                throw ParseError(description: "cannot read the condition '\(part)': use FIELD==VALUE")
            }
            let field = String(part[..<range.lowerBound]).trimmed
            var value = String(part[range.upperBound...]).trimmed
            if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            guard Self.fields.contains(field) else {
                throw ParseError(description: "unknown conversation field '\(field)'; known: \(Self.fields.joined(separator: ", "))")
            }
            conditions.append(Condition(field: field, op: op, value: value))
        }
        self.conditions = conditions
    }

    public func matches(_ c: TCPSession) -> Bool {
        conditions.allSatisfy { condition in
            let actual: String
            switch condition.field {
            case "id.orig_h": actual = c.client.address.description
            case "id.orig_p": actual = String(c.client.port)
            case "id.resp_h": actual = c.server.address.description
            case "id.resp_p": actual = String(c.server.port)
            case "conn_state": actual = c.state.rawValue
            case "history": actual = c.history
            default: actual = String(c.stream)
            }
            if let a = Int(actual), let b = Int(condition.value) {
                switch condition.op {
                case "==": return a == b
                case "!=": return a != b
                case "<": return a < b
                case "<=": return a <= b
                case ">": return a > b
                default: return a >= b
                }
            }
            switch condition.op {
            case "==": return actual == condition.value
            case "!=": return actual != condition.value
            case "<": return actual < condition.value
            case "<=": return actual <= condition.value
            case ">": return actual > condition.value
            default: return actual >= condition.value
            }
        }
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }

    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        components(target).joined(separator: replacement)
    }

    func components(_ separator: String) -> [String] {
        var result: [String] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            result.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        result.append(String(rest))
        return result
    }
}
