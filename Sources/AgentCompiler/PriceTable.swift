import AgentSpec

/// US dollars per million tokens of one model, for `budget.maxCostUSD`.
public struct ModelPrice: Codable, Sendable, Hashable {
    /// Dollars per million prompt (input) tokens.
    public var input: Double
    /// Dollars per million completion (output) tokens.
    public var output: Double

    /// Creates a price.
    public init(input: Double, output: Double) {
        self.input = input
        self.output = output
    }
}

/// Prices per `provider/model`, used to turn token counts into cost for budgets. ``standard`` holds list prices
/// of common models (docs/spec-format.md lists them); a server's configuration can replace or extend them.
public struct PriceTable: Codable, Sendable, Hashable {
    /// `provider/model` → price.
    public var prices: [String: ModelPrice]

    /// Creates a table.
    public init(_ prices: [String: ModelPrice]) { self.prices = prices }

    /// List prices (USD per million tokens, input/output) of common models.
    public static let standard = PriceTable([
        "openai/gpt-4o": ModelPrice(input: 2.5, output: 10),
        "openai/gpt-4o-mini": ModelPrice(input: 0.15, output: 0.6),
        "openai/gpt-4.1": ModelPrice(input: 2, output: 8),
        "openai/gpt-4.1-mini": ModelPrice(input: 0.4, output: 1.6),
        "openai/o3": ModelPrice(input: 2, output: 8),
        "openai/o4-mini": ModelPrice(input: 1.1, output: 4.4),
        "anthropic/claude-sonnet-4-20250514": ModelPrice(input: 3, output: 15),
        "anthropic/claude-3-5-haiku-latest": ModelPrice(input: 0.8, output: 4),
        "anthropic/claude-opus-4-20250514": ModelPrice(input: 15, output: 75),
        "google_gemini/gemini-2.5-pro": ModelPrice(input: 1.25, output: 10),
        "google_gemini/gemini-2.5-flash": ModelPrice(input: 0.3, output: 2.5),
        "mistral/mistral-large-latest": ModelPrice(input: 2, output: 6),
    ])

    /// The price of `model`, if known.
    public func price(of model: String?) -> ModelPrice? { model.flatMap { prices[$0] } }

    /// This table with `overrides` replacing or adding prices.
    public func merging(_ overrides: PriceTable) -> PriceTable {
        PriceTable(prices.merging(overrides.prices) { _, new in new })
    }
}
