import ArgumentParser
import Foundation
import MockScope
import MockScopeRecorder

/// `mockscope drift`: checks recorded fixtures against the live service.
struct Drift: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-send each fixture's recorded request upstream and report how the live answer's shape differs.",
        discussion: """
            Compares status, header names, content type, SSE event names and counts, and the JSON fields and their types \
            (never the values). Exit code 0: no drift; 1: drift; 2: an upstream that did not answer. The key is read from \
            the environment variable named by --api-key-env and never written. Fixtures are rewritten only with --update \
            (atomically, redacted, with the live answer's timing).
            """)

    @Option(help: ArgumentHelp("The upstream's base URL (any http:// or https:// URL).", valueName: "url"))
    var upstream: String?

    @Option(help: ArgumentHelp("DashScope in this region: beijing, singapore, us.", valueName: "region"))
    var region: Upstream.Region?

    @Option(name: .customLong("fixtures"), help: ArgumentHelp("Fixture folders to check (repeatable; default ./fixtures).", valueName: "dir"))
    var fixtures: [String] = []

    @Option(name: .customLong("api-key-env"), help: ArgumentHelp("The environment variable holding the key (default DASHSCOPE_API_KEY).", valueName: "name"))
    var apiKeyEnv = "DASHSCOPE_API_KEY"

    @Option(help: ArgumentHelp("Report format: text or json.", valueName: "format"))
    var format = "text"

    @Option(name: .customLong("report"), help: ArgumentHelp("Also write the JSON report to this file.", valueName: "path"))
    var reportPath: String?

    @Flag(help: "Rewrite each drifted fixture with the live answer.")
    var update = false

    @Option(name: .customLong("redact"), help: ArgumentHelp("Also redact this header, query parameter or body field when updating (repeatable).", valueName: "name"))
    var redact: [String] = []

    @Option(name: .customLong("timeout"), help: ArgumentHelp("Seconds one answer may take (default 120).", valueName: "s"))
    var timeout: Int64 = 120

    func validate() throws {
        if upstream != nil, region != nil { throw ValidationError("Give --upstream or --region, not both.") }
        if upstream == nil, region == nil { throw ValidationError("Give the service to compare with: --upstream URL or --region beijing|singapore|us.") }
        guard format == "text" || format == "json" else { throw ValidationError("--format is text or json.") }
        guard timeout > 0 else { throw ValidationError("--timeout must be at least 1 second.") }
    }

    func run() throws {
        let target: Upstream
        if let upstream {
            do { target = try Upstream(url: upstream) } catch { throw ValidationError("\(error)") }
        } else {
            target = Upstream(region: region!)
        }
        let key = ProcessInfo.processInfo.environment[apiKeyEnv].flatMap { $0.isEmpty ? nil : $0 }
        if key == nil {
            FileHandle.standardError.write(Data("mockscope drift: \(apiKeyEnv) is not set; requests go without a key\n".utf8))
        }
        let folders = fixtures.isEmpty ? ["fixtures"] : fixtures
        let loaded: [Fixture]
        do { loaded = try FixtureLoader.load(directories: folders) } catch {
            FileHandle.standardError.write(Data("mockscope drift: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let check = DriftCheck(upstream: target, apiKey: key, update: update, secrets: SecretPolicy(extraNames: redact),
                               timeoutSeconds: timeout)
        let report = check.run(loaded)
        print(format == "json" ? report.json : report.text, terminator: "")
        if let reportPath { try AtomicFile.write(Array(report.json.utf8), to: reportPath) }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
