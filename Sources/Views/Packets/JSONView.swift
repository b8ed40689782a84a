import Dissect

/// `-T json`: one JSON object per line per frame, layers nested under their names and
/// fields under Wireshark's names. Every value is a string, as in tshark's JSON.
public struct JSONView {
    public init() {}

    public func write(_ input: FieldInput, to out: OutputBuffer) {
        out.ascii("{\"frame\":")
        out.decimal(input.frame.number)
        out.ascii(",\"layers\":{")
        var firstLayer = true
        var currentLayer = ""
        for field in FieldRegistry.all {
            let start = out.count
            var occurrences = Occurrences(out, separator: 0)
            field.write(input, &occurrences)
            guard occurrences.count > 0 else { continue }
            let values = out.take(from: start).split(separator: 0, omittingEmptySubsequences: false)
            let layer = field.name.prefix { $0 != "." }
            if layer != currentLayer {
                if !currentLayer.isEmpty { out.byte(125) }
                if !firstLayer { out.byte(44) }
                firstLayer = false
                currentLayer = String(layer)
                out.byte(34)
                out.string(currentLayer)
                out.ascii("\":{")
            } else {
                out.byte(44)
            }
            out.byte(34)
            out.string(field.name)
            out.ascii("\":")
            if values.count == 1 {
                writeString(values[0], to: out)
            } else {
                out.byte(91)
                for (i, value) in values.enumerated() {
                    if i > 0 { out.byte(44) }
                    writeString(value, to: out)
                }
                out.byte(93)
            }
        }
        if !currentLayer.isEmpty { out.byte(125) }
        if !input.frame.issues.isEmpty {
            out.ascii(",\"_ws.malformed\":[")
            for (i, issue) in input.frame.issues.enumerated() {
                if i > 0 { out.byte(44) }
                writeString(Array(issue.description.utf8)[...], to: out)
            }
            out.byte(93)
        }
        out.ascii("}}\n")
    }

    /// A JSON string: quotes, backslashes and control bytes escaped; invalid UTF-8 replaced.
    public func writeString(_ value: ArraySlice<UInt8>, to out: OutputBuffer) {
        out.byte(34)
        let text = String(decoding: value, as: UTF8.self)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.ascii("\\\"")
            case "\\": out.ascii("\\\\")
            case "\n": out.ascii("\\n")
            case "\r": out.ascii("\\r")
            case "\t": out.ascii("\\t")
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                out.ascii("\\u00")
                out.hex(UInt8(scalar.value), width: 2, prefix: false)
            default:
                out.string(String(scalar))
            }
        }
        out.byte(34)
    }
}
