/// One task configuration inside a ``WorkflowDef`` (Conductor's `WorkflowTask`).
public struct WorkflowTask: Codable, Sendable, Hashable {
    public var name: String
    public var taskReferenceName: String
    /// `SIMPLE`, `INLINE`, `SWITCH`, `DO_WHILE`, `FORK_JOIN`, `FORK_JOIN_DYNAMIC`, `JOIN`, `SET_VARIABLE`,
    /// `SUB_WORKFLOW`, `HUMAN`, `WAIT`, `TERMINATE`, `HTTP`, `LLM_CHAT_COMPLETE`, …
    public var type: String
    public var description: String?
    public var inputParameters: [String: JSONValue]
    public var optional: Bool?
    public var evaluatorType: String?
    public var expression: String?
    public var caseValueParam: String?
    public var decisionCases: [String: [WorkflowTask]]?
    public var defaultCase: [WorkflowTask]?
    public var loopCondition: String?
    public var loopOver: [WorkflowTask]?
    public var forkTasks: [[WorkflowTask]]?
    public var joinOn: [String]?
    public var dynamicForkTasksParam: String?
    public var dynamicForkTasksInputParamName: String?
    public var subWorkflowParam: SubWorkflowParams?
    public var retryCount: Int?
    public var retryLogic: String?
    public var retryDelaySeconds: Int?
    public var startDelay: Int?
    public var asyncComplete: Bool?
    public var taskDefinition: TaskDef?

    public init(
        name: String, taskReferenceName: String, type: String, description: String? = nil,
        inputParameters: [String: JSONValue] = [:], optional: Bool? = nil, evaluatorType: String? = nil,
        expression: String? = nil, caseValueParam: String? = nil, decisionCases: [String: [WorkflowTask]]? = nil,
        defaultCase: [WorkflowTask]? = nil, loopCondition: String? = nil, loopOver: [WorkflowTask]? = nil,
        forkTasks: [[WorkflowTask]]? = nil, joinOn: [String]? = nil, dynamicForkTasksParam: String? = nil,
        dynamicForkTasksInputParamName: String? = nil, subWorkflowParam: SubWorkflowParams? = nil,
        retryCount: Int? = nil, retryLogic: String? = nil, retryDelaySeconds: Int? = nil
    ) {
        self.name = name
        self.taskReferenceName = taskReferenceName
        self.type = type
        self.description = description
        self.inputParameters = inputParameters
        self.optional = optional
        self.evaluatorType = evaluatorType
        self.expression = expression
        self.caseValueParam = caseValueParam
        self.decisionCases = decisionCases
        self.defaultCase = defaultCase
        self.loopCondition = loopCondition
        self.loopOver = loopOver
        self.forkTasks = forkTasks
        self.joinOn = joinOn
        self.dynamicForkTasksParam = dynamicForkTasksParam
        self.dynamicForkTasksInputParamName = dynamicForkTasksInputParamName
        self.subWorkflowParam = subWorkflowParam
        self.retryCount = retryCount
        self.retryLogic = retryLogic
        self.retryDelaySeconds = retryDelaySeconds
    }

    enum CodingKeys: String, CodingKey {
        case name, taskReferenceName, type, description, inputParameters, optional, evaluatorType, expression
        case caseValueParam, decisionCases, defaultCase, loopCondition, loopOver, forkTasks, joinOn
        case dynamicForkTasksParam, dynamicForkTasksInputParamName, subWorkflowParam, retryCount, retryLogic
        case retryDelaySeconds, startDelay, asyncComplete, taskDefinition
    }

    /// Lenient decoding: Conductor fills `type` with SIMPLE and `name`/`inputParameters` may be absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        taskReferenceName = try c.decode(String.self, forKey: .taskReferenceName)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? taskReferenceName
        type = try c.decodeIfPresent(String.self, forKey: .type) ?? "SIMPLE"
        description = try c.decodeIfPresent(String.self, forKey: .description)
        inputParameters = try c.decodeIfPresent([String: JSONValue].self, forKey: .inputParameters) ?? [:]
        optional = try c.decodeIfPresent(Bool.self, forKey: .optional)
        evaluatorType = try c.decodeIfPresent(String.self, forKey: .evaluatorType)
        expression = try c.decodeIfPresent(String.self, forKey: .expression)
        caseValueParam = try c.decodeIfPresent(String.self, forKey: .caseValueParam)
        decisionCases = try c.decodeIfPresent([String: [WorkflowTask]].self, forKey: .decisionCases)
        defaultCase = try c.decodeIfPresent([WorkflowTask].self, forKey: .defaultCase)
        loopCondition = try c.decodeIfPresent(String.self, forKey: .loopCondition)
        loopOver = try c.decodeIfPresent([WorkflowTask].self, forKey: .loopOver)
        forkTasks = try c.decodeIfPresent([[WorkflowTask]].self, forKey: .forkTasks)
        joinOn = try c.decodeIfPresent([String].self, forKey: .joinOn)
        dynamicForkTasksParam = try c.decodeIfPresent(String.self, forKey: .dynamicForkTasksParam)
        dynamicForkTasksInputParamName = try c.decodeIfPresent(String.self, forKey: .dynamicForkTasksInputParamName)
        subWorkflowParam = try c.decodeIfPresent(SubWorkflowParams.self, forKey: .subWorkflowParam)
        retryCount = try c.decodeIfPresent(Int.self, forKey: .retryCount)
        retryLogic = try c.decodeIfPresent(String.self, forKey: .retryLogic)
        retryDelaySeconds = try c.decodeIfPresent(Int.self, forKey: .retryDelaySeconds)
        startDelay = try c.decodeIfPresent(Int.self, forKey: .startDelay)
        asyncComplete = try c.decodeIfPresent(Bool.self, forKey: .asyncComplete)
        taskDefinition = try c.decodeIfPresent(TaskDef.self, forKey: .taskDefinition)
    }
}
