// swift-tools-version:6.0
// Flow: a typed dataflow language and stream processor.
// One target per compiler/runtime stage; dependencies point one way, down the list.
import PackageDescription

/// The interpreter's hot paths are single-threaded; Swift's dynamic
/// exclusivity checks cost ~5% there and catch nothing the design allows.
let hotPath = SwiftSetting.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))

let package = Package(
  name: "Flow",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "flow", targets: ["flow"]),
    .library(name: "FlowDriver", targets: ["FlowDriver"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    // Source text -> tokens -> AST with diagnostics. Knows nothing of types.
    .target(name: "FlowSyntax", swiftSettings: [.swiftLanguageMode(.v5)]),
    // AST -> typed program (inference, modules, the embedded standard library).
    .target(name: "FlowSema", dependencies: ["FlowSyntax"], swiftSettings: [.swiftLanguageMode(.v5)]),
    // Runtime values, compiled expressions and streaming operators.
    .target(name: "FlowRuntime", dependencies: ["CRocksDB"], swiftSettings: [.swiftLanguageMode(.v5), hotPath]),
    // RocksDB's C API, for the disk state backend (`--state-backend rocksdb`).
    .systemLibrary(name: "CRocksDB", providers: [.apt(["librocksdb-dev"])]),
    // Sources and sinks: files (text, CSV, JSON Lines), stdin, sockets, generators.
    .target(name: "FlowConnectors", dependencies: ["FlowRuntime"], swiftSettings: [.swiftLanguageMode(.v5), hotPath]),
    // Typed program -> dataflow plan: lowering (with the sources and sinks it
    // names), the plan printer and, later, the optimizer.
    .target(name: "FlowIR", dependencies: ["FlowSema", "FlowRuntime", "FlowConnectors"], swiftSettings: [.swiftLanguageMode(.v5), hotPath]),
    // Streaming SQL (Flink SQL dialect): SQL text -> the same plan IR as Flow code.
    .target(name: "FlowSQL", dependencies: ["FlowSyntax", "FlowIR", "FlowRuntime", "FlowConnectors"], swiftSettings: [.swiftLanguageMode(.v5)]),
    // The library API behind every command: check, run, plan, explain.
    .target(name: "FlowDriver", dependencies: ["FlowSyntax", "FlowSema", "FlowIR", "FlowRuntime", "FlowConnectors", "FlowSQL"], swiftSettings: [.swiftLanguageMode(.v5)]),
    // Developer tools: the formatter (tokens and comments -> canonical layout)
    // and the language server (checker side tables -> LSP over stdio).
    .target(name: "FlowFormat", dependencies: ["FlowSyntax"], swiftSettings: [.swiftLanguageMode(.v5)]),
    .target(name: "FlowLSP", dependencies: ["FlowSema", "FlowSyntax", "FlowFormat"], swiftSettings: [.swiftLanguageMode(.v5)]),
    // libedit (line editing, history, completion) for `flow repl`.
    .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
    // `flow repl`: the interactive shell (sessions, evaluation, completion, illustrate).
    .target(
      name: "FlowREPL",
      dependencies: ["FlowDriver", "FlowSyntax", "FlowSema", "FlowIR", "FlowRuntime", "FlowConnectors", "CEditLine"],
      swiftSettings: [.swiftLanguageMode(.v5)]),
    // The thin command-line tool.
    .executableTarget(
      name: "flow",
      dependencies: ["FlowDriver", "FlowFormat", "FlowLSP", "FlowREPL", .product(name: "ArgumentParser", package: "swift-argument-parser")],
      swiftSettings: [.swiftLanguageMode(.v5)]),
    // Throughput benchmarks (not tests): `swift run -c release flow-bench`.
    .executableTarget(
      name: "flow-bench",
      dependencies: ["FlowDriver", "FlowSema", "FlowSyntax", "FlowIR", "FlowRuntime", "FlowConnectors"],
      path: "Benchmarks/FlowBench",
      swiftSettings: [.swiftLanguageMode(.v5)]),
    .testTarget(name: "FlowSyntaxTests", dependencies: ["FlowSyntax"], swiftSettings: [.swiftLanguageMode(.v5)]),
    .testTarget(name: "FlowSemaTests", dependencies: ["FlowSema", "FlowDriver"], swiftSettings: [.swiftLanguageMode(.v5)]),
    .testTarget(name: "FlowRuntimeTests", dependencies: ["FlowRuntime", "FlowConnectors"], swiftSettings: [.swiftLanguageMode(.v5)]),
    .testTarget(name: "FlowIRTests", dependencies: ["FlowDriver", "FlowIR"], exclude: ["Golden"], swiftSettings: [.swiftLanguageMode(.v5)]),
    .testTarget(name: "FlowCLITests", dependencies: ["FlowDriver", "FlowSyntax", "FlowSQL"], swiftSettings: [.swiftLanguageMode(.v5)]),
    .testTarget(name: "FlowToolsTests", dependencies: ["FlowFormat", "FlowLSP", "FlowSyntax", "FlowSema"], swiftSettings: [.swiftLanguageMode(.v5)]),
  ]
)
