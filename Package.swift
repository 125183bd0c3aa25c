// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "MockScope",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mockscope", targets: ["mockscope"]),
        .library(name: "MockScope", targets: ["MockScope"]),
        .library(name: "MockScopeTesting", targets: ["MockScopeTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // The C library, found through pkg-config (Debian: libmicrohttpd-dev).
        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev", "pkg-config"]), .brew(["libmicrohttpd", "pkg-config"])]
        ),
        // What Swift cannot call directly: the variadic start/info functions and macro constants.
        .target(name: "CMicroHTTPDShim", dependencies: ["CMicroHTTPD"]),
        // glibc's malloc settings for the server process (freed memory given back after bursts).
        .target(name: "CProcessMemory"),
        // HTTP value types (request, response, header fields, timed chunks, live responses): what
        // the domain and the HTTP layer exchange. Pure Swift, no C.
        .target(name: "MockScopeHTTPTypes"),
        // The libmicrohttpd adapter: daemon lifecycle, the one unsafe seam, the stream scheduler,
        // prepared responses.
        .target(
            name: "MockScopeMicroHTTPD",
            dependencies: ["MockScopeHTTPTypes", "CMicroHTTPDShim", "CMicroHTTPD", .product(name: "HeapModule", package: "swift-collections")]
        ),
        // The domain: the exchange pipeline, protocol modules, fixtures, matching, synthesis,
        // faults. Depends on no C target: `swift build --target MockScope` never sees libmicrohttpd.
        .target(
            name: "MockScope",
            dependencies: [
                "MockScopeHTTPTypes",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The recorder: forwards to the real service (AsyncHTTPClient) and writes what came back as
        // fixtures, secrets redacted.
        .target(
            name: "MockScopeRecorder",
            dependencies: [
                "MockScope", "MockScopeHTTPTypes",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Where the domain meets the HTTP layer: one server you can start and stop.
        .target(
            name: "MockScopeRuntime",
            dependencies: [
                "MockScope", "MockScopeHTTPTypes", "MockScopeMicroHTTPD", "MockScopeRecorder",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "MockScopeTesting",
            dependencies: ["MockScopeRuntime", "MockScope", "MockScopeHTTPTypes", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "mockscope",
            dependencies: [
                "MockScopeRuntime", "MockScope", "MockScopeRecorder", "CProcessMemory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "MockScopeTests",
            dependencies: [
                "MockScope", "MockScopeHTTPTypes", "MockScopeMicroHTTPD", "MockScopeRuntime", "MockScopeTesting", "MockScopeRecorder",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
