// swift-tools-version:6.2
import PackageDescription

/// libFuzzer targets for Garona, a package of their own so that the main build never carries the sanitizers.
/// Build and run them with `scripts/fuzz` (it passes `-sanitize=fuzzer,address`).
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "garona-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "garona", path: ".."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
    ],
    targets: [
        .target(name: "FuzzDriver"),
        .target(
            name: "FuzzSupport",
            dependencies: [
                .product(name: "ODSQL", package: "garona"), .product(name: "Ingest", package: "garona"),
                .product(name: "Store", package: "garona"), .product(name: "Vocabulary", package: "garona"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "PortalHarness",
            dependencies: [
                "FuzzSupport", .product(name: "Portal", package: "garona"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "FuzzODSQL",
            dependencies: [
                "FuzzDriver", "FuzzSupport", .product(name: "ODSQL", package: "garona"),
                .product(name: "Store", package: "garona"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "FuzzAPIParameters",
            dependencies: [
                "FuzzDriver", "FuzzSupport", "PortalHarness", .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "FuzzIngest",
            dependencies: [
                "FuzzDriver", .product(name: "Ingest", package: "garona"), .product(name: "Vocabulary", package: "garona"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "FuzzHeaders",
            dependencies: [
                "FuzzDriver", "FuzzSupport", "PortalHarness", .product(name: "CookieCharter", package: "garona"),
                .product(name: "Web", package: "garona"), .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
    ]
)
