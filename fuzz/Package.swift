// swift-tools-version:6.0
// libFuzzer targets for MockScope's parsers (see fuzz/README.md and RELIABILITY.md).
// Build only through `fuzz/run`, which passes -sanitize=fuzzer (and address) to every module so
// that the library code is coverage-instrumented too, and -parse-as-library so libFuzzer's own
// main() drives each executable's @_cdecl("LLVMFuzzerTestOneInput").
import PackageDescription

// A path dependency's identity is its folder's name: "main" here, but a clone may live elsewhere.
let parent = Context.packageDirectory.split(separator: "/").dropLast().last.map { String($0).lowercased() } ?? "main"

func fuzzTarget(_ name: String, _ extra: [Target.Dependency] = []) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzSupport", "FuzzMain"] + extra, path: "Sources/\(name)")
}

let package = Package(
    name: "MockScopeFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "..")],
    targets: [
        // Each executable's entry point: libFuzzer's driver (see Sources/FuzzMain/FuzzMain.c).
        .target(name: "FuzzMain"),
        .target(name: "FuzzSupport", dependencies: [.product(name: "MockScope", package: parent)]),
        fuzzTarget("FuzzRequest"),
        fuzzTarget("FuzzJSON"),
        fuzzTarget("FuzzFixture"),
        fuzzTarget("FuzzScenario"),
        fuzzTarget("FuzzFault"),
        // The recorder's SSE splitter is compiled from its own source file (a symlink into
        // Sources/MockScopeRecorder): the recorder module would drag in AsyncHTTPClient and NIO,
        // doubling the instrumented build for one dependency-free struct.
        .executableTarget(name: "FuzzSSE", dependencies: ["FuzzMain"], path: "Sources/FuzzSSE"),
    ],
    swiftLanguageModes: [.v6]
)
