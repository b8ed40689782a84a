#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What Foundation's `localizedDescription` says of a file error, without linking
/// Foundation itself (its ICU and CoreFoundation pages in every command's process):
/// FileManager and `Data.write` throw FoundationEssentials' `CocoaError`, whose texts
/// live in Foundation. The table holds Foundation's texts for the file codes.
enum FileErrorText {
    static func describe(_ error: any Error) -> String {
        #if canImport(FoundationEssentials)
        let prefix = "The operation could not be completed. "
        guard let cocoa = error as? CocoaError else { return prefix + "(\(type(of: error)) error.)" }
        let code = cocoa.code.rawValue
        if let reason = reasons[code] { return prefix + reason }
        return prefix + "(NSCocoaErrorDomain error \(code).)"
        #else
        return error.localizedDescription
        #endif
    }

    /// Foundation's reasons by `CocoaError.Code` (swift-corelibs-foundation, Swift 6.3).
    static let reasons: [Int: String] = [
        4: "The file doesn’t exist.",
        255: "The file couldn’t be locked.",
        257: "You don’t have permission.",
        258: "The file name is invalid.",
        259: "The file isn’t in the correct format.",
        260: "The file doesn’t exist.",
        261: "The specified text encoding isn’t applicable.",
        262: "The specified URL type isn’t supported.",
        263: "The item is too large.",
        264: "The text encoding of the contents couldn’t be determined.",
        513: "You don’t have permission.",
        514: "The file name is invalid.",
        516: "A file with the same name already exists.",
        517: "The specified text encoding isn’t applicable.",
        518: "The specified URL type isn’t supported.",
        640: "There isn’t enough space.",
        642: "The volume is read only.",
    ]
}

extension StringProtocol {
    /// The string without the leading and trailing scalars `isTrimmed` picks, as
    /// Foundation's `trimmingCharacters(in:)`.
    func trimmingScalars(where isTrimmed: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isTrimmed($0) }),
              let last = scalars.lastIndex(where: { !isTrimmed($0) }) else { return "" }
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: scalars[first...last])
        return String(kept)
    }
}

extension Unicode.Scalar {
    /// Foundation's `CharacterSet.whitespaces`: the space separators (Zs) and the tab.
    var isHorizontalWhitespace: Bool { self == "\t" || properties.generalCategory == .spaceSeparator }
}
