import Foundation
import Store

/// What `--demo` publishes on first run, so the portal looks real: the railway stations of
/// Occitanie (a real export of data.laregion.fr, shipped as open data) and a generated dataset
/// of 50,000 rows.
enum DemoContent {
    static let stationsID = "gares-occitanie"
    static let sampleID = "donnees-exemple"
    static let sampleRows = 50_000

    /// Publishes the demo datasets that do not exist yet.
    static func publish(into store: any StoreEngine, dataDirectory: String, now: Date) async throws {
        if try await store.dataset(id: stationsID) == nil {
            guard let file = Bundle.module.url(forResource: "Resources/demo/gares-occitanie", withExtension: "csv") else {
                throw PortalSetupError("the demo file gares-occitanie.csv is missing from the installation")
            }
            try await importDemo(file, id: stationsID, store: store, now: now)
            var metadata = DatasetMetadata(
                id: stationsID,
                titleFR: "Gares ferroviaires en Occitanie",
                titleEN: "Railway stations in Occitanie",
                descriptionFR: "Les gares et haltes ferroviaires de la région Occitanie, avec leur localisation.",
                descriptionEN: "Railway stations and halts of the Occitanie region, with their location.",
                keywords: ["gare", "train", "TER", "mobilité"],
                themes: ["Transports"],
                publisher: "Région Occitanie",
                licence: .etalab2
            )
            metadata.visibility = .public
            try await store.updateDataset(metadata, fields: nil, now: now)
        }
        if try await store.dataset(id: sampleID) == nil {
            let directory = URL(fileURLWithPath: dataDirectory).appendingPathComponent("uploads")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let file = directory.appendingPathComponent("demo-sample.csv")
            defer { try? FileManager.default.removeItem(at: file) }
            try SampleData(seed: 42).write(rows: sampleRows, toFile: file.path)
            try await importDemo(file, id: sampleID, store: store, now: now)
            try await store.updateDataset(
                DatasetMetadata(
                    id: sampleID,
                    titleFR: "Données d'exemple (générées)",
                    titleEN: "Sample data (generated)",
                    descriptionFR: "50 000 lignes générées : lieux, codes, mesures, dates et textes, pour essayer la plateforme.",
                    descriptionEN: "50,000 generated rows: places, codes, measures, dates and texts, to try the platform.",
                    keywords: ["exemple", "démonstration"],
                    themes: ["Démonstration"],
                    publisher: "Garona",
                    licence: .etalab2
                ),
                fields: nil,
                now: now
            )
        }
    }

    /// Imports `file` as dataset `id`, on a thread of its own (``onOwnThread(_:)``).
    private static func importDemo(_ file: URL, id: String, store: any StoreEngine, now: Date) async throws {
        let request = ImportRequest(file: file, datasetID: id, title: id)
        do {
            _ = try await onOwnThread { try DatasetImporter.run(request, store: store, now: now) }
        } catch let error as ImportFailure {
            throw PortalSetupError("the demo dataset \(id) could not be imported: \(error.description)")
        }
    }
}
