import Dissect

/// `-T fields -e NAME ...`: one line per frame, tab-separated, byte-identical to tshark.
public struct FieldsView {
    public enum Occurrence: Sendable { case all, first, last }

    public let fields: [FieldDefinition]
    public var separator: [UInt8] = [9]
    public var aggregator: UInt8 = 44
    public var occurrence: Occurrence = .all
    public var header = false

    /// Resolves names through the registry; unknown names throw with suggestions.
    public init(names: [String]) throws(UnknownFieldError) {
        var fields: [FieldDefinition] = []
        for name in names {
            guard let field = FieldRegistry.field(named: name) else {
                throw UnknownFieldError(name: name, suggestions: FieldRegistry.suggestions(for: name))
            }
            fields.append(field)
        }
        self.fields = fields
    }

    /// The follower work the chosen fields need.
    public var needs: FieldNeeds { fields.reduce(into: []) { $0.formUnion($1.needs) } }

    public func writeHeader(to out: OutputBuffer) {
        for (i, field) in fields.enumerated() {
            if i > 0 { out.bytes(separator) }
            out.string(field.name)
        }
        out.byte(10)
    }

    public func write(_ input: FieldInput, to out: OutputBuffer) {
        for (i, field) in fields.enumerated() {
            if i > 0 { out.bytes(separator) }
            switch occurrence {
            case .all:
                var occurrences = Occurrences(out, separator: aggregator)
                field.write(input, &occurrences)
            case .first, .last:
                // Write all, then keep the one wanted: rare options, simplicity wins.
                let start = out.count
                var occurrences = Occurrences(out, separator: 0)
                field.write(input, &occurrences)
                out.keepOccurrence(from: start, first: occurrence == .first)
            }
        }
        out.byte(10)
    }
}

/// A field name that is not in the registry.
public struct UnknownFieldError: Error, CustomStringConvertible {
    public let name: String
    public let suggestions: [String]
    public var description: String {
        var text = "unknown field '\(name)'"
        if !suggestions.isEmpty { text += "; did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?" }
        return text
    }
}

extension OutputBuffer {
    public func bytes(_ values: [UInt8]) {
        for v in values { byte(v) }
    }
}
