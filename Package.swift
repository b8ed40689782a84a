// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "tcpwatch",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tcpwatch", targets: ["tcpwatch"]),
        .library(name: "Dissect", targets: ["Dissect"]),
        .library(name: "TcpwatchKit", targets: ["TcpwatchKit"]),
        // `tcpwatch ui`, loaded by the binary with dlopen when that command runs: the web
        // server and the Foundation networking stack it links stay out of every other command.
        .library(name: "TcpwatchUI", type: .dynamic, targets: ["UIPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CPcap",
            pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"])]
        ),
        // Pure Swift: capture-file readers and layer decoders. Never imports CPcap.
        .target(name: "Dissect"),
        // The follower: flow table, stream numbering, relative sequence numbers, analysis.
        .target(name: "Follow", dependencies: ["Dissect"]),
        // Field registry and the views (summary line, -T fields, JSON, ...).
        .target(name: "Views", dependencies: ["Dissect", "Follow", "Sockets"]),
        // The Swift API for tests over recorded captures.
        .target(name: "TcpwatchKit", dependencies: ["Dissect", "Follow", "Views"]),
        // libpcap at the edge: live capture and the BPF compiler.
        .target(name: "PcapLive", dependencies: ["CPcap", "Dissect"]),
        // Pure Swift: the socket table from /proc/net and /proc/*/fd (tcpwatch sockets).
        .target(name: "Sockets"),
        // The engine behind the web view (like sharkd): an index of frame offsets, pages of
        // summary rows, one frame's tree, filter check/complete and the views' facts as JSON.
        .target(name: "Engine", dependencies: ["Dissect", "Follow", "Views"]),
        // `tcpwatch ui`: the embedded web server (FlyingFox) and the page's assets.
        .target(name: "WebUI", dependencies: ["Engine", .product(name: "FlyingFox", package: "FlyingFox")], exclude: ["assets"]),
        // What the binary and the web view's library share: the live capture's signals,
        // file sink and privilege drop, the error line, and `ui`'s options.
        .target(
            name: "CommandSupport",
            dependencies: ["Dissect", "PcapLive", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // `tcpwatch ui` itself (libTcpwatchUI): the engine and the web server.
        .target(
            name: "UIPlugin",
            dependencies: [
                "CommandSupport", "Dissect", "PcapLive", "Engine", "WebUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "tcpwatch",
            dependencies: [
                "Dissect", "Follow", "Views", "PcapLive", "Sockets", "TcpwatchKit", "CommandSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "DissectTests", dependencies: ["Dissect"]),
        .testTarget(name: "TcpwatchKitTests", dependencies: ["TcpwatchKit"]),
        // Runs the built binary; depends on it so `swift test` builds it first.
        .testTarget(name: "CLITests", dependencies: ["tcpwatch"]),
        .testTarget(name: "ViewsTests", dependencies: ["Dissect", "Follow", "Views", "PcapLive", "Sockets"]),
        .testTarget(name: "ReassemblyTests", dependencies: ["Dissect", "Follow"]),
        .testTarget(name: "FollowTests", dependencies: ["Dissect", "Follow"]),
        .testTarget(name: "SocketsTests", dependencies: ["Sockets"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Dissect", "Follow", "Views"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Dissect", "Follow"], exclude: ["Support/gen_tshark_vectors.py"]),
        // Runs the built tcpwatch binary against live traffic in network namespaces (root).
        .testTarget(name: "CaptureTests", dependencies: ["tcpwatch"]),
    ],
    swiftLanguageModes: [.v6]
)
