import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `tcpwatch ui` without a browser: the server starts, prints its URL, answers the API with
/// the token and refuses without it (the browser tests in Tests/browser cover the page).
@Suite struct UICommandTests {
    /// Starts `tcpwatch ui FILE` and returns the process and the base URL and token it printed.
    func start(_ file: String) throws -> (Process, String, String) {
        let binary = try #require(CLITests.binary, "the tcpwatch binary was not built next to the tests")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["ui", file]
        process.currentDirectoryURL = CLITests.repository
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        var line = Data()
        while !line.contains(10) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        let url = try #require(text.split(separator: " ").first { $0.hasPrefix("http://") }.map { String($0.prefix { $0 != "\n" }) })
        let parts = url.components(separatedBy: "/?token=")
        return (process, parts[0], parts[1])
    }

    func get(_ url: String, headers: [String: String] = [:]) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: url)!)
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    @Test func serverAnswersWithTheTokenOnly() async throws {
        let (process, base, token) = try start("Fixtures/pcaps/echo.pcap")
        defer { process.terminate(); process.waitUntilExit() }
        #expect(base.hasPrefix("http://127.0.0.1:"))
        #expect(token.count == 32)
        var frames: [[String: Any]] = []
        for _ in 0..<50 {
            let (status, data) = try await get("\(base)/api/frames?limit=100&token=\(token)")
            #expect(status == 200)
            let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            frames = json?["frames"] as? [[String: Any]] ?? []
            if frames.count == 10 { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        #expect(frames.count == 10)
        #expect(frames.first?["info"] as? String == "53988 → 6789 [SYN] Seq=0 Win=64240 Len=0 MSS=1460 SACK_PERM TSval=1374554986 TSecr=0 WS=1024")
        #expect(try await get("\(base)/api/frames").0 == 403)
        #expect(try await get("\(base)/api/frames?token=\(String(token.reversed()))").0 == 403)
        #expect(try await get("\(base)/api/frames", headers: ["X-Tcpwatch-Token": token]).0 == 200)
        let (status, page) = try await get("\(base)/?token=\(token)")
        #expect(status == 200)
        #expect(String(decoding: page, as: UTF8.self).contains("name=\"filter\""))
        let (_, check) = try await get("\(base)/api/check?filter=tcp.port+%3D%3D+&token=\(token)")
        #expect(String(decoding: check, as: UTF8.self).contains("\"ok\":false"))
    }
}
