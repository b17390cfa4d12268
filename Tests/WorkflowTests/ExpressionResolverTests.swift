import Testing
import Workflow

@Suite struct ExpressionResolverTests {
    let resolver = ExpressionResolver(document: [
        "workflow": [
            "input": ["prompt": "hi", "n": 7, "list": [1, 2, 3], "key": "prompt", "obj": ["a": 1]],
            "variables": ["_stop_requested": false],
        ],
        "fetch": ["input": ["id": 7], "output": ["name": "Ada", "tags": ["x", "y"], "ratio": 1.5, "count": 2.0]],
        "CPEWF_TASK_ID": "t-1",
    ])

    @Test func loneExpressionKeepsItsType() {
        #expect(resolver.resolve(string: "${workflow.input.n}") == 7)
        #expect(resolver.resolve(string: "${workflow.input.list}") == [1, 2, 3])
        #expect(resolver.resolve(string: "${workflow.variables._stop_requested}") == false)
        #expect(resolver.resolve(string: "${fetch.output}") == ["name": "Ada", "tags": ["x", "y"], "ratio": 1.5, "count": 2.0])
        #expect(resolver.resolve(string: "${fetch.input.id}") == 7)
    }

    @Test func wholeTaskAndIndexes() {
        #expect(resolver.resolve(string: "${fetch}")["output"]["name"] == "Ada")
        #expect(resolver.resolve(string: "${fetch.output.tags[1]}") == "y")
        #expect(resolver.resolve(string: "${fetch.output.tags[-1]}") == "y")
        #expect(resolver.resolve(string: "${fetch.output['name']}") == "Ada")
        #expect(resolver.resolve(string: "${fetch.output.tags.length()}") == 2)
    }

    @Test func missingPathsAreNull() {
        #expect(resolver.resolve(string: "${workflow.input.absent}") == .null)
        #expect(resolver.resolve(string: "${nobody.output.x}") == .null)
        #expect(resolver.resolve(string: "${fetch.output.tags[9]}") == .null)
        #expect(resolver.resolve(string: "a ${workflow.input.absent} b") == "a null b")
    }

    @Test func mixedTextUsesJavaStrings() {
        #expect(resolver.resolve(string: "say ${workflow.input.prompt} ${workflow.input.n} times") == "say hi 7 times")
        #expect(resolver.resolve(string: "r=${fetch.output.ratio} c=${fetch.output.count}") == "r=1.5 c=2.0")
        #expect(resolver.resolve(string: "${workflow.input.list}!") == "[1, 2, 3]!")
        #expect(resolver.resolve(string: "o=${workflow.input.obj}") == "o={a=1}")
        #expect(resolver.resolve(string: "$${literal} ${workflow.input.n}") == "${literal} 7")
        #expect(resolver.resolve(string: "no expressions") == "no expressions")
    }

    @Test func nestedAndSpecialExpressions() {
        #expect(resolver.resolve(string: "${workflow.input.${workflow.input.key}}") == "hi")
        #expect(resolver.resolve(string: "${CPEWF_TASK_ID}") == "t-1")
        #expect(resolver.resolve(string: "${}") == "")
    }

    @Test func resolvesRecursivelyWithoutTouchingKeys() {
        let input: JSONValue = ["${workflow.input.prompt}": ["a": "${fetch.output.name}", "b": ["${workflow.input.n}", 3, true]]]
        #expect(resolver.resolve(input) == ["${workflow.input.prompt}": ["a": "Ada", "b": [7, 3, true]]])
    }
}
