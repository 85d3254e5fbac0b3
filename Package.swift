// swift-tools-version:6.0
// Layers (imports point one way):
//   finkplot -> FinkPlotKit -> { FinkAPI, PlotCore, CairoRender };  CairoRender -> { PlotCore, CCairo, CPNGWriter }
//   FinkAPI -> CCFITSIO (Rubin stamps are FITS); PlotCore imports nothing of ours.
//   FinkTestServer serves fixtures for tests and benchmarks.
import PackageDescription

let package = Package(
    name: "FinkPlot",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "finkplot", targets: ["finkplot"]),
        .library(name: "FinkPlotKit", targets: ["FinkPlotKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCairo",
            path: "Sources/CCairo",
            pkgConfig: "cairo",
            providers: [.apt(["libcairo2-dev", "libpng-dev", "fonts-dejavu-core"])]
        ),
        .systemLibrary(
            name: "CCFITSIO",
            path: "Sources/CCFITSIO",
            pkgConfig: "cfitsio",
            providers: [.apt(["libcfitsio-dev"])]
        ),
        .target(name: "FinkAPI", dependencies: ["CCFITSIO"]),
        .target(name: "PlotCore"),
        // libpng with row filters off and a fast zlib level: PNG encoding 2-3x faster than Cairo's
        // writer. A C target because libpng reports errors by longjmp.
        .target(name: "CPNGWriter", linkerSettings: [.linkedLibrary("png"), .linkedLibrary("z")]),
        .target(name: "CairoRender", dependencies: ["PlotCore", "CCairo", "CPNGWriter"]),
        .target(name: "FinkPlotKit", dependencies: ["FinkAPI", "PlotCore", "CairoRender"]),
        .executableTarget(
            name: "finkplot",
            dependencies: [
                "FinkPlotKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks (swift run -c release finkplot-bench): timed, so never part of `swift test`.
        .executableTarget(
            name: "finkplot-bench",
            dependencies: ["FinkPlotKit", "FinkAPI", "CairoRender", "FinkTestServer"]
        ),
        .target(
            name: "FinkTestServer",
            dependencies: [
                .product(name: "FlyingFox", package: "FlyingFox"),
                // Same package: socket addresses and the body-sequence protocol live in FlyingSocks.
                .product(name: "FlyingSocks", package: "FlyingFox"),
            ]
        ),
        // Helpers of the tests only (PNG decoding, baseline comparison, primitive payloads): in no
        // product, so nothing that links FinkPlotKit or CairoRender carries them.
        .target(name: "TestSupport", dependencies: ["PlotCore", "CCairo"]),
        .testTarget(name: "FinkAPITests", dependencies: ["FinkAPI", "FinkTestServer"]),
        .testTarget(name: "PlotCoreTests", dependencies: ["PlotCore", "TestSupport"]),
        // Baselines are read by path (see ImageComparison), not bundled.
        .testTarget(name: "CairoRenderTests", dependencies: ["CairoRender", "PlotCore", "TestSupport"], exclude: ["Baselines"]),
        .testTarget(
            name: "FinkPlotKitTests",
            dependencies: ["FinkPlotKit", "FinkAPI", "PlotCore", "CairoRender", "FinkTestServer", "TestSupport"],
            exclude: ["Baselines"]
        ),
    ]
)
