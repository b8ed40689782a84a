// swift-tools-version: 6.0
// An example of a package that tests its own recorded capture with TcpwatchKit.
import PackageDescription

let package = Package(
    name: "LabCheck",
    dependencies: [.package(name: "tcpwatch", path: "../..")],
    targets: [
        .testTarget(
            name: "LabCheckTests",
            dependencies: [.product(name: "TcpwatchKit", package: "tcpwatch")]
        ),
    ]
)
