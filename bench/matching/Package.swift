// swift-tools-version:6.0
// The matcher benchmark: builds FixtureStore over 1k / 10k / 100k generated fixtures and times
// lookups. Built by bench/run with its own scratch path (.build-matching, git-ignored).
import PackageDescription

let package = Package(
    name: "matching-bench",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "MockScope", path: "../.."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
    ],
    targets: [
        .executableTarget(
            name: "matching-bench",
            dependencies: [.product(name: "MockScope", package: "MockScope"), .product(name: "Logging", package: "swift-log")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
