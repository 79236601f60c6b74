extension ODSQL {
    /// An ODSQL expression as written, with the position of its first token.
    public struct Expression: Sendable, Hashable, CustomStringConvertible {
        /// The shape of the expression.
        public var kind: Kind
        /// Where the expression starts in its clause.
        public var position: SourcePosition
        /// Depth of the tree under this node (a leaf is 1); bounded by ``ODSQL/Limits/maxDepth``.
        public internal(set) var depth: Int

        /// Creates a node; its depth is one more than its deepest child.
        public init(_ kind: Kind, at position: SourcePosition) {
            self.kind = kind
            self.position = position
            self.depth = 1 + (kind.children.map(\.depth).max() ?? 0)
        }

        /// The shapes an expression can take.
        public indirect enum Kind: Sendable, Hashable {
            /// A field or label name (backquotes removed).
            case field(String)
            case string(String)
            /// A number as written, kept exact.
            case number(String)
            case boolean(Bool)
            case null
            /// The content of a `date'…'` literal.
            case date(String)
            /// The content of a `geom'…'` literal.
            case geometry(String)
            /// A number with a unit: `10km`, `1 day`.
            case quantity(String, unit: String)
            /// `*` as a function argument: `count(*)`, `search(*, …)`, `range(f, *, 10)`.
            case star
            case negate(Expression)
            case not(Expression)
            case arithmetic(ArithmeticOperator, Expression, Expression)
            case comparison(ComparisonOperator, Expression, Expression)
            case and([Expression])
            case or([Expression])
            case isNull(Expression, negated: Bool)
            /// `f IS [NOT] TRUE|FALSE`.
            case isBoolean(Expression, Bool, negated: Bool)
            /// `f IN (v1, v2…)`.
            case inList(Expression, [Expression])
            /// `f IN [a..b]`, `]a..b[`…
            case inRange(Expression, lower: Expression, upper: Expression, lowerInclusive: Bool, upperInclusive: Bool)
            /// `value IN multivalued_field`.
            case member(Expression, of: Expression)
            case like(Expression, Expression)
            case call(FunctionCall)

            var children: [Expression] {
                switch self {
                case .field, .string, .number, .boolean, .null, .date, .geometry, .quantity, .star: []
                case .negate(let e), .not(let e), .isNull(let e, _), .isBoolean(let e, _, _): [e]
                case .arithmetic(_, let l, let r), .comparison(_, let l, let r), .like(let l, let r): [l, r]
                case .member(let l, let r): [l, r]
                case .and(let items), .or(let items): items
                case .inList(let e, let items): [e] + items
                case .inRange(let e, let lower, let upper, _, _): [e, lower, upper]
                case .call(let call): call.arguments + call.namedArguments.map(\.value)
                }
            }
        }
    }

    /// `+ - * /`.
    public enum ArithmeticOperator: String, Sendable, Hashable {
        case add = "+"
        case subtract = "-"
        case multiply = "*"
        case divide = "/"
    }

    /// `= != < > <= >=` (`:` is read as `=`, `<>` as `!=`).
    public enum ComparisonOperator: String, Sendable, Hashable {
        case equal = "="
        case notEqual = "!="
        case less = "<"
        case greater = ">"
        case lessOrEqual = "<="
        case greaterOrEqual = ">="
    }

    /// A function call: `name(args…)`, `count(distinct f)`, `now(years=-1)`.
    public struct FunctionCall: Sendable, Hashable {
        /// The lowercased function name.
        public var name: String
        /// Positional arguments.
        public var arguments: [Expression]
        /// `name=value` arguments (only `now()` has them).
        public var namedArguments: [NamedArgument]
        /// True for `count(distinct …)`.
        public var isDistinct: Bool

        /// Creates a call.
        public init(
            name: String, arguments: [Expression], namedArguments: [NamedArgument] = [], isDistinct: Bool = false
        ) {
            self.name = name
            self.arguments = arguments
            self.namedArguments = namedArguments
            self.isDistinct = isDistinct
        }
    }

    /// `name=value` inside `now(…)`.
    public struct NamedArgument: Sendable, Hashable {
        public var name: String
        public var value: Expression
        public var position: SourcePosition

        /// Creates a named argument.
        public init(name: String, value: Expression, position: SourcePosition) {
            self.name = name
            self.value = value
            self.position = position
        }
    }

    /// A field-name pattern of `include()`/`exclude()`: a name, or a prefix when it ends with `*`.
    public struct FieldPattern: Sendable, Hashable {
        public var name: String
        public var isPrefix: Bool
        public var position: SourcePosition

        /// Creates a pattern.
        public init(name: String, isPrefix: Bool, position: SourcePosition) {
            self.name = name
            self.isPrefix = isPrefix
            self.position = position
        }

        func matches(_ fieldName: String) -> Bool { isPrefix ? fieldName.hasPrefix(name) : fieldName == name }
    }

    /// An expression with an optional `AS` label and its text as written (the output key when unlabeled).
    public struct LabeledExpression: Sendable, Hashable {
        public var expression: Expression
        public var label: String?
        /// The expression text as the user wrote it, trimmed: `count(*)`, `sum(capacity)`.
        public var text: String

        /// Creates a labeled expression.
        public init(expression: Expression, label: String?, text: String) {
            self.expression = expression
            self.label = label
            self.text = text
        }

        /// The key of this expression in API output: the label, else the text.
        public var key: String { label ?? text }
    }

    /// One item of a `select` clause.
    public enum SelectItem: Sendable, Hashable {
        /// `*`.
        case all(SourcePosition)
        case expression(LabeledExpression)
        case include([FieldPattern])
        case exclude([FieldPattern])
    }

    /// One item of an `order_by` clause.
    public struct OrderItem: Sendable, Hashable {
        public var expression: Expression
        public var descending: Bool
        public var text: String

        /// Creates an order item.
        public init(expression: Expression, descending: Bool, text: String) {
            self.expression = expression
            self.descending = descending
            self.text = text
        }
    }
}
