import Vocabulary

extension ODSQL {
    /// One field of a dataset schema.
    public struct Field: Sendable, Hashable {
        /// The field name, also the storage column name.
        public var name: String
        /// The field type.
        public var type: FieldType
        /// True when the field holds a list of values, stored as a JSON array in its TEXT column.
        public var isMultivalued: Bool

        /// Creates a field.
        public init(name: String, type: FieldType, isMultivalued: Bool = false) {
            self.name = name
            self.type = type
            self.isMultivalued = isMultivalued
        }
    }

    /// The fields of a dataset, in display order; the only source of identifiers in generated SQL.
    public struct Schema: Sendable, Hashable {
        /// The fields in display order.
        public let fields: [Field]
        private let byName: [String: Int]

        /// Creates a schema; when two fields share a name, the first one wins.
        public init(fields: [Field]) {
            self.fields = fields
            var index: [String: Int] = [:]
            for (offset, field) in fields.enumerated() where index[field.name] == nil {
                index[field.name] = offset
            }
            self.byName = index
        }

        /// The field with this exact name, if any.
        public func field(named name: String) -> Field? {
            byName[name].map { fields[$0] }
        }

        /// The text fields, which the full-text index covers.
        public var textFields: [Field] { fields.filter { $0.type == .text } }
    }
}
