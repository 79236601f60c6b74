/// The fixed word lists behind ``SampleData``: communes of Occitanie, categories and a French vocabulary.
///
/// The lists are part of the generator's output: changing one changes the bytes every seed produces.
enum SampleVocabulary {
    /// A commune of Occitanie: its name, INSEE code and the approximate position of its centre,
    /// in hundred-thousandths of a degree. The codes and positions give the data a realistic shape;
    /// they are not a reference.
    struct Commune {
        let name: [UInt8]
        let insee: [UInt8]
        let latitude: Int
        let longitude: Int

        init(_ name: String, _ insee: String, _ latitude: Int, _ longitude: Int) {
            self.name = Array(name.utf8)
            self.insee = Array(insee.utf8)
            self.latitude = latitude
            self.longitude = longitude
        }

        /// The département: the first two characters of the INSEE code (`09`, `34`, `2A`…).
        var departement: ArraySlice<UInt8> { insee[0..<2] }
    }

    static let communes: [Commune] = [
        // Ariège (09): the codes with a leading zero.
        Commune("Foix", "09122", 42_965_00, 1_607_00), Commune("Pamiers", "09225", 43_116_00, 1_611_00),
        Commune("Saint-Girons", "09261", 42_985_00, 1_146_00), Commune("Lavelanet", "09160", 42_931_00, 1_848_00),
        Commune("Tarascon-sur-Ariège", "09306", 42_845_00, 1_604_00), Commune("Mirepoix", "09194", 43_088_00, 1_874_00),
        Commune("Ax-les-Thermes", "09032", 42_720_00, 1_838_00), Commune("Saverdun", "09282", 43_235_00, 1_575_00),
        // Aude (11)
        Commune("Carcassonne", "11069", 43_213_00, 2_351_00), Commune("Narbonne", "11262", 43_184_00, 3_004_00),
        Commune("Castelnaudary", "11076", 43_318_00, 1_954_00), Commune("Limoux", "11206", 43_054_00, 2_218_00),
        Commune("Lézignan-Corbières", "11203", 43_201_00, 2_757_00), Commune("Quillan", "11304", 42_875_00, 2_185_00),
        // Aveyron (12)
        Commune("Rodez", "12202", 44_350_00, 2_575_00), Commune("Millau", "12145", 44_098_00, 3_078_00),
        Commune("Villefranche-de-Rouergue", "12300", 44_352_00, 2_035_00),
        Commune("Decazeville", "12089", 44_560_00, 2_251_00), Commune("Saint-Affrique", "12208", 43_958_00, 2_887_00),
        Commune("Espalion", "12096", 44_522_00, 2_764_00),
        // Gard (30)
        Commune("Nîmes", "30189", 43_837_00, 4_360_00), Commune("Alès", "30007", 44_125_00, 4_081_00),
        Commune("Bagnols-sur-Cèze", "30028", 44_162_00, 4_620_00), Commune("Beaucaire", "30032", 43_808_00, 4_644_00),
        Commune("Uzès", "30334", 44_012_00, 4_420_00), Commune("Le Vigan", "30350", 43_991_00, 3_606_00),
        Commune("Aigues-Mortes", "30003", 43_567_00, 4_193_00),
        // Haute-Garonne (31)
        Commune("Toulouse", "31555", 43_605_00, 1_444_00), Commune("Colomiers", "31149", 43_611_00, 1_335_00),
        Commune("Tournefeuille", "31557", 43_585_00, 1_345_00), Commune("Blagnac", "31069", 43_637_00, 1_394_00),
        Commune("Muret", "31395", 43_462_00, 1_327_00), Commune("Saint-Gaudens", "31483", 43_108_00, 0_723_00),
        Commune("Balma", "31044", 43_611_00, 1_499_00), Commune("Bagnères-de-Luchon", "31042", 42_790_00, 0_594_00),
        // Gers (32)
        Commune("Auch", "32013", 43_646_00, 0_586_00), Commune("Condom", "32107", 43_958_00, 0_372_00),
        Commune("L'Isle-Jourdain", "32160", 43_613_00, 1_082_00), Commune("Lectoure", "32208", 43_934_00, 0_623_00),
        Commune("Mirande", "32256", 43_515_00, 0_404_00),
        // Hérault (34)
        Commune("Montpellier", "34172", 43_611_00, 3_877_00), Commune("Béziers", "34032", 43_344_00, 3_216_00),
        Commune("Sète", "34301", 43_403_00, 3_694_00), Commune("Agde", "34003", 43_311_00, 3_476_00),
        Commune("Lunel", "34145", 43_675_00, 4_136_00), Commune("Frontignan", "34108", 43_448_00, 3_754_00),
        Commune("Pézenas", "34199", 43_459_00, 3_423_00), Commune("Lodève", "34142", 43_732_00, 3_319_00),
        Commune("Saint-Étienne-de-Gourgas", "34254", 43_766_00, 3_381_00),
        Commune("Castelnau-le-Lez", "34057", 43_633_00, 3_901_00),
        // Lot (46)
        Commune("Cahors", "46042", 44_448_00, 1_441_00), Commune("Figeac", "46102", 44_609_00, 2_032_00),
        Commune("Gourdon", "46127", 44_737_00, 1_383_00), Commune("Souillac", "46309", 44_897_00, 1_478_00),
        Commune("Rocamadour", "46240", 44_799_00, 1_618_00),
        // Lozère (48)
        Commune("Mende", "48095", 44_518_00, 3_500_00), Commune("Marvejols", "48092", 44_554_00, 3_291_00),
        Commune("Florac Trois Rivières", "48061", 44_324_00, 3_594_00), Commune("Langogne", "48080", 44_727_00, 3_855_00),
        // Hautes-Pyrénées (65)
        Commune("Tarbes", "65440", 43_233_00, 0_078_00), Commune("Lourdes", "65286", 43_095_00, -0_046_00),
        Commune("Bagnères-de-Bigorre", "65059", 43_065_00, 0_150_00), Commune("Lannemezan", "65258", 43_125_00, 0_384_00),
        Commune("Argelès-Gazost", "65025", 43_003_00, -0_099_00),
        // Pyrénées-Orientales (66)
        Commune("Perpignan", "66136", 42_699_00, 2_895_00), Commune("Céret", "66049", 42_486_00, 2_748_00),
        Commune("Prades", "66149", 42_617_00, 2_422_00), Commune("Argelès-sur-Mer", "66008", 42_546_00, 3_024_00),
        Commune("Canet-en-Roussillon", "66037", 42_706_00, 3_008_00),
        Commune("Font-Romeu-Odeillo-Via", "66124", 42_505_00, 2_040_00), Commune("Collioure", "66053", 42_525_00, 3_083_00),
        // Tarn (81)
        Commune("Albi", "81004", 43_929_00, 2_148_00), Commune("Castres", "81065", 43_606_00, 2_241_00),
        Commune("Gaillac", "81099", 43_901_00, 1_897_00), Commune("Lavaur", "81140", 43_699_00, 1_819_00),
        Commune("Graulhet", "81105", 43_761_00, 1_989_00), Commune("Cordes-sur-Ciel", "81069", 44_064_00, 1_953_00),
        Commune("Mazamet", "81163", 43_492_00, 2_374_00),
        // Tarn-et-Garonne (82)
        Commune("Montauban", "82121", 44_018_00, 1_355_00), Commune("Castelsarrasin", "82033", 44_040_00, 1_107_00),
        Commune("Moissac", "82112", 44_105_00, 1_085_00), Commune("Caussade", "82037", 44_161_00, 1_537_00),
    ]

    /// The facet column: eight kinds of public facility.
    static let categories: [[UInt8]] = [
        "Culture", "Sport", "Santé", "Éducation", "Transport", "Environnement", "Tourisme", "Action sociale",
    ].map { Array($0.utf8) }

    /// Capitalised first words of a description.
    static let openers: [[UInt8]] = [
        "Le", "La", "Les", "Un", "Une", "Ce", "Cette", "Notre", "Chaque", "Depuis", "Après", "Été",
    ].map { Array($0.utf8) }

    /// The rest of a description: words of local public life, many with accents, for full-text search.
    static let words: [[UInt8]] = """
        accès équipement rénové été hiver piscine randonnée rivière château église marché fête théâtre médiathèque \
        bibliothèque vélo piétons accueil familles enfants élèves collège lycée gare tramway réseau énergie solaire \
        éolien forêt montagne littoral étang vignoble garrigue patrimoine romain médiéval cathédrale abbaye pont canal \
        écluse occitan région département commune quartier centre ville village place jardin parc aire jeux sportif \
        culturel associatif gratuit ouvert fermé travaux entretien qualité sécurité propreté déchets tri sélectif eau \
        potable assainissement inondation crue sécheresse incendie prévention santé hôpital pharmacie médecin école \
        crèche cantine repas bio local producteurs agriculture élevage brebis fromage roquefort cassoulet vin olives \
        huîtres pêche port plage dunes sentier cyclable voie verte accessibilité handicap fauteuil stationnement \
        parking bornes recharge électrique covoiturage transport ligne horaires dimanche matin soirée saison estivale \
        touristes hébergement camping gîte hôtel musée exposition concert festival spectacle cinéma lecture numérique \
        fibre internet données ouvertes publiques budget subvention investissement projet étude enquête concertation \
        habitants citoyens élus conseil délibération arrêté préfecture mairie services guichet démarches français \
        occitane catalane pyrénées cévennes causses camargue garonne tarn aude hérault lot canal-du-midi \
        mer méditerranée vent tramontane soleil ombre fraîcheur chaleur orage neige
        """.split(separator: " ").map { Array($0.utf8) }
}
