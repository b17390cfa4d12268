import Testing
import Workflow

@testable import Engine

@Suite struct ScriptEvaluatorTests {
    let scripts = ScriptEvaluator(timeLimit: 0.5)

    @Test func completionValueOfAProgram() throws {
        #expect(try scripts.evaluate("(function(){ return 'Hello ' + $.n; })()", input: ["n": "Ada"]) == "Hello Ada")
        #expect(try scripts.evaluate("$.a + $.b", input: ["a": 1, "b": 2]) == 3)
        #expect(try scripts.evaluate("if ($.x > 1) { true; } else { false; }", input: ["x": 2]) == true)
        #expect(try scripts.evaluate("const t = `v${$.a}`; t", input: ["a": 1]) == "v1")
        #expect(try scripts.evaluate("const t = 2; t", input: [:]) == 2)
        #expect(try scripts.evaluate("undefined", input: [:]) == .null)
        #expect(try scripts.evaluate("({a: [1, 2.5, null], b: {c: 'd'}})", input: [:]) == ["a": [1, 2.5, nil], "b": ["c": "d"]])
    }

    @Test func javaMapHelpersAreThereButHidden() throws {
        let input: [String: JSONValue] = ["m": ["k": "v", "n": ["x": 1]], "l": [1, 2]]
        #expect(try scripts.evaluate("$.m.get('k') + $.m.size() + $.m.containsKey('n') + $.m.isEmpty()", input: input) == "v2truefalse")
        #expect(try scripts.evaluate("$.m.n.get('x') + $.l.size() + $.l.get(1)", input: input) == 5)
        #expect(try scripts.evaluate("var ks = []; for (var k in $.m) ks.push(k); ks.join(',')", input: input) == "k,n")
        #expect(try scripts.evaluate("JSON.stringify($.m)", input: input) == #"{"k":"v","n":{"x":1}}"#)
        #expect(try scripts.evaluate("$", input: input) == .object(input))
        #expect(try scripts.evaluate("$.get('absent')", input: input) == .null)
    }

    @Test func errorsAndTimeouts() {
        #expect(throws: ScriptError.self) { try scripts.evaluate("this is not javascript", input: [:]) }
        #expect(throws: ScriptError.self) { try scripts.evaluate("$.missing.field", input: [:]) }
        #expect(throws: ScriptError.timeout(seconds: 0.5)) { try scripts.evaluate("while (true) {}", input: [:]) }
        #expect((try? scripts.evaluate("1 + 1", input: [:])) == 2)
    }
}
