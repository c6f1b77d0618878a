// swift-tools-version:6.0
// Faultline: a Jepsen-style fault-injection test harness for data pipelines.
// One module per role (see docs/design.md "Modules"); dependencies point one way.
import PackageDescription

let package = Package(
    name: "Faultline",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "faultline", targets: ["faultline"]),
        .executable(name: "faultline-node", targets: ["faultline-node"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // The one JSON value, parser and writer (exact numbers and strings). A leaf: History and Node share it.
        .target(name: "JSON"),
        // Pure core: ops, JSONL, importers. Knows nothing else but JSON (re-exported).
        .target(name: "History", dependencies: ["JSON"]),
        // Models and checkers: pure functions of a History.
        .target(name: "Checker", dependencies: [
            "History",
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
        // Link proxies between nodes.
        .target(name: "Net", dependencies: [
            "History",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // fork/exec trampoline: parent-death signal and process group set in the child before exec.
        .target(name: "CSpawn"),
        // Node processes: spawn, signals, health.
        .target(name: "Supervisor", dependencies: [
            "CSpawn",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The one YAML reader (limits, every problem with its line) and the one InputError.
        .target(name: "InputFiles", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Fault plans and their execution.
        .target(name: "Nemesis", dependencies: [
            "History", "Net", "Supervisor", "InputFiles",
            .product(name: "Yams", package: "Yams"),
        ]),
        // Seeded op and phase plans.
        .target(name: "Generator", dependencies: ["History"]),
        // The systems under test, one folder each (Builtin/, Etcd/, Redis/, Postgres/), and the one registry (docs/systems.md).
        .target(name: "Systems", dependencies: [
            "History", "Contracts", "Nemesis", "RedisProtocol", "S3Client", "KafkaProtocol",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // One test: nodes + clients + nemesis -> run folder.
        .target(name: "Controller", dependencies: [
            "History", "Checker", "Net", "Supervisor", "Nemesis", "Generator", "Systems", "Contracts", "Store", "InputFiles",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Run folders, results.json, the runs index, campaign records and JUnit files.
        .target(name: "Store", dependencies: [
            "History", "Checker", "InputFiles",
            .product(name: "Yams", package: "Yams"),
        ]),
        // HTML/SVG pages from a store alone: report.html per run, campaign comparison pages.
        .target(name: "Report", dependencies: ["Store"]),
        // The built-in node contract shared by Node and the controller: roles, bug switches, settings checks.
        .target(name: "Contracts"),
        // The built-in pipeline components. They share only the JSON and Contracts leaves with the harness.
        .target(name: "Node", dependencies: [
            "JSON", "Contracts", "RedisProtocol", "S3Client", "KafkaProtocol",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "faultline", dependencies: [
            "History", "Checker", "Generator", "Controller", "Supervisor", "Store", "Report", "InputFiles",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "faultline-node", dependencies: [
            "Node",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Test helper: a tiny HTTP node, a mini controller and a bare proxy (for tests and bench/proxy).
        .executableTarget(name: "faultline-fixture", dependencies: [
            "Supervisor", "Net",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        // Times each checker on a generated 1,000,000-op history (bench/checkers).
        // Also writes a generated N-night results folder (bench/trends, ArchiveTests).
        .executableTarget(name: "faultline-bench", dependencies: ["Checker", "History", "Generator", "Store"]),
        // The Redis protocol (RESP2) over swift-nio: one connection per logical client, outcomes split into
        // not sent / unknown. No Redis client is in the package mirror, and RESP is small.
        .target(name: "RedisProtocol", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        // A small S3 client (path-style, SigV4 or unsigned) on async-http-client: no S3 client is in the
        // package mirror, and the store stage needs only PUT/GET/LIST and conditional PUTs.
        .target(name: "S3Client", dependencies: [
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        // Native Kafka wire protocol client (Tansu and other Kafka-protocol brokers); swift-nio only.
        .target(name: "KafkaProtocol", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        // Acknowledged produces/s and fetched records/s against a real Tansu broker (bench/kafka).
        .executableTarget(name: "kafka-bench", dependencies: ["KafkaProtocol", "Supervisor"]),
        // Helpers shared by the tests that run real processes (fixture path, /proc checks, raw HTTP, one
        // real PostgreSQL server).
        .target(name: "FaultlineTesting", dependencies: ["Supervisor", .product(name: "PostgresNIO", package: "postgres-nio")]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "RedisProtocolTests", dependencies: ["RedisProtocol", "FaultlineTesting", "Supervisor", "Systems", "Checker", "History"]),
        .testTarget(name: "S3ClientTests", dependencies: ["S3Client", "FaultlineTesting", "Supervisor", "Systems", "History"]),
        .testTarget(name: "HistoryTests", dependencies: ["History"]),
        .testTarget(name: "InputFilesTests", dependencies: ["InputFiles", "History"]),
        .testTarget(name: "CheckerTests", dependencies: ["Checker", "History", "Generator"]),
        .testTarget(name: "NetTests", dependencies: ["FaultlineTesting", "Net", "Supervisor", "faultline-fixture"]),
        .testTarget(name: "SupervisorTests", dependencies: ["FaultlineTesting", "Supervisor", "faultline-fixture"]),
        .testTarget(name: "NemesisTests", dependencies: ["FaultlineTesting", "Nemesis", "History", "InputFiles", "Net", "Supervisor", "Systems", "faultline-fixture"]),
        .testTarget(name: "NodeTests", dependencies: ["Node", "History", "FaultlineTesting", "Supervisor", "Net", "RedisProtocol", "S3Client", "KafkaProtocol",
                                               .product(name: "PostgresNIO", package: "postgres-nio"), "faultline-node"]),
        .testTarget(name: "CLITests", dependencies: ["faultline", "History"]),
        .testTarget(name: "ReportTests", dependencies: ["FaultlineTesting", "Checker", "Store", "Report", "History", "faultline", "faultline-node", "faultline-bench"]),
        .testTarget(name: "KafkaProtocolTests", dependencies: ["KafkaProtocol", "FaultlineTesting", "Supervisor"]),
        .testTarget(name: "ControllerTests", dependencies: ["Controller", "Supervisor", "Generator", "Nemesis", "History", "InputFiles", "Systems", "Contracts", "FaultlineTesting", "faultline", "faultline-node"]),
    ],
    swiftLanguageModes: [.v5]
)

// libFuzzer targets, one per parser (bench/fuzz). Only in the manifest when FAULTLINE_FUZZ=1,
// because they need libFuzzer's runtime to link: bench/fuzz builds them in .build-fuzz with
// `-sanitize=fuzzer`, and the everyday `swift build` never sees them.
if Context.environment["FAULTLINE_FUZZ"] == "1" {
    let fuzzers: [(String, [Target.Dependency])] = [
        ("FuzzJSONL", ["History"]), ("FuzzEDN", ["History"]), ("FuzzEtcdLog", ["History"]),
        ("FuzzYAML", ["Controller", "Nemesis"]), ("FuzzNodeJSON", ["JSON"]),
    ]
    package.targets.append(.target(name: "CFuzzDriver", path: "Fuzz/CFuzzDriver"))
    for (name, deps) in fuzzers {
        package.targets.append(.executableTarget(name: name, dependencies: deps + ["CFuzzDriver"], path: "Fuzz/\(name)",
                                                 swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
        package.products.append(.executable(name: name, targets: [name]))
    }
}
