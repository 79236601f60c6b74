/// The two languages of the portal. French is the default, as in the charter.
public enum Language: String, CaseIterable, Sendable, Codable {
    case fr
    case en

    /// The language every visitor gets when nothing else decides.
    public static let `default` = Language.fr
}

/// A piece of text that exists in every supported language.
///
/// Requiring both translations at construction is how the charter and the registry
/// guarantee that no declaration is missing a language.
public struct LocalizedText: Sendable, Hashable, Codable {
    public var fr: String
    public var en: String

    public init(fr: String, en: String) {
        self.fr = fr
        self.en = en
    }

    /// The text in `language`, falling back to the other language when that one is empty.
    public func text(in language: Language) -> String {
        switch language {
        case .fr: fr.isEmpty ? en : fr
        case .en: en.isEmpty ? fr : en
        }
    }
}
