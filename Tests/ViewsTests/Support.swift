import Foundation
import Dissect
import Follow
import Views

/// Paths of the repository and the shared corpus, found from this file's location.
enum Paths {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repository.appendingPathComponent("Fixtures/pcaps")
    static let corpus = repository.deletingLastPathComponent().appendingPathComponent("shared/corpus")

    static func files(in folder: URL, suffixes: [String]) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { name in suffixes.contains { name.hasSuffix($0) } }.sorted()
            .map { folder.appendingPathComponent($0) }
    }
}

/// Runs the whole pipeline over a file and collects what `body` writes per frame.
/// Returns the text and the error that ended the read, if any.
func renderFile(_ path: String, follower: Follower = Follower(),
                _ body: (FieldInput, OutputBuffer) -> Void) -> (text: String, error: CaptureFileError?) {
    let out = OutputBuffer(fileDescriptor: nil)
    do {
        let reader = try CaptureFileReader(path: path)
        var loop = PacketLoop(follower: follower)
        while let raw = try reader.next() {
            loop.process(raw) { body($0, out) }
        }
        return (out.text, nil)
    } catch {
        return (out.text, error)
    }
}

/// tshark's `-T fields` output for `names`, with a header line, as tcpwatch writes it.
func fieldsOutput(_ path: String, names: [String]) throws -> (text: String, error: CaptureFileError?) {
    var view = try FieldsView(names: names)
    view.header = true
    var wroteHeader = false
    return renderFile(path) { input, out in
        if !wroteHeader {
            view.writeHeader(to: out)
            wroteHeader = true
        }
        view.write(input, to: out)
    }
}
