import Foundation
import Testing
import Dissect
import Follow
@testable import Views

/// The display-filter table of issue 15: every filter in Fixtures/filters/filters.txt,
/// compared with what tshark 4.0 did with it, recorded once in references.tsv by
/// scripts/make-filter-references.py. A filter tshark accepts must select the same frames;
/// one it refuses must be refused with tshark's message and caret.
@Suite struct FilterReferenceTests {
    struct Reference: Sendable, CustomTestStringConvertible {
        enum Expected: Sendable {
            case frames([Int])
            /// tshark's message, and its caret's column and length (nil: no caret).
            case error(message: String, column: Int?, length: Int)
        }

        enum Note: String, Sendable {
            case none = ""
            /// A field tcpwatch does not have yet: it must be refused as unknown.
            case unknown
            /// Both refuse it, with different messages.
            case refused
        }

        let capture: String
        let filter: String
        let note: Note
        let expected: Expected
        var testDescription: String { "\(capture): \(filter)" }
    }

    static let folder = Paths.repository.appendingPathComponent("Fixtures/filters")

    static let references: [Reference] = {
        let url = folder.appendingPathComponent("references.tsv")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line -> Reference? in
            guard !line.hasPrefix("#") else { return nil }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 5, let note = Reference.Note(rawValue: f[2]) else {
                Issue.record("malformed reference line: \(line)")
                return nil
            }
            let expected: Reference.Expected
            if f[3] == "frames" {
                expected = .frames(f[4].split(separator: ",").compactMap { Int($0) })
            } else {
                guard f.count == 7, let column = Int(f[5]), let length = Int(f[6]) else {
                    Issue.record("malformed error line: \(line)")
                    return nil
                }
                expected = .error(message: f[4], column: column >= 0 ? column : nil, length: length)
            }
            return Reference(capture: f[0], filter: f[1], note: note, expected: expected)
        }
    }()

    /// Absolute times in filters are local time; the references were recorded with TZ=UTC.
    static let utc: Void = {
        setenv("TZ", "UTC", 1)
        tzset()
    }()

    @Test func tableIsLargeAndCoversRefusals() {
        #expect(Self.references.count >= 150)
        let errors = Self.references.filter { if case .error = $0.expected { true } else { false } }
        #expect(errors.count >= 30)
        // Expected-unknown rows stay few: the table is about the language, not the fields.
        #expect(Self.references.filter { $0.note == .unknown }.count <= 5)
    }

    @Test(arguments: references)
    func agreesWithTshark(_ reference: Reference) throws {
        _ = Self.utc
        switch (reference.note, reference.expected) {
        case (.unknown, _):
            let error = #expect(throws: DisplayFilterError.self) { try DisplayFilter(reference.filter) }
            switch error {
            case .unknownField?, .leftSide?: break
            default: Issue.record("expected an unknown-field error, got \(String(describing: error))")
            }
        case (.refused, _):
            #expect(throws: DisplayFilterError.self) { try DisplayFilter(reference.filter) }
        case (.none, .frames(let frames)):
            let filter = try DisplayFilter(reference.filter)
            #expect(try DisplayFilterTests.matchingFrames(reference.capture, filter) == frames)
        case (.none, .error(let message, let column, let length)):
            let error = #expect(throws: DisplayFilterError.self) { try DisplayFilter(reference.filter) }
            guard let error else { return }
            #expect(error.message == message)
            if let column {
                #expect(error.location.column == column && error.location.length == length,
                        "caret at \(error.location.column)+\(error.location.length), tshark \(column)+\(length)")
            }
        }
    }
}
