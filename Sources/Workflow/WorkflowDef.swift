/// A Conductor workflow definition (`/api/metadata/workflow`).
public struct WorkflowDef: Codable, Sendable, Hashable {
    public var name: String
    public var description: String?
    public var version: Int?
    public var tasks: [WorkflowTask]
    public var inputParameters: [String]?
    public var outputParameters: [String: JSONValue]?
    public var schemaVersion: Int?
    public var restartable: Bool?
    public var ownerEmail: String?
    public var timeoutPolicy: String?
    public var timeoutSeconds: Int?
    public var variables: [String: JSONValue]?
    public var inputTemplate: [String: JSONValue]?
    public var failureWorkflow: String?
    public var workflowStatusListenerEnabled: Bool?
    public var metadata: [String: JSONValue]?
    public var createTime: Int64?
    public var updateTime: Int64?

    public init(
        name: String, description: String? = nil, version: Int? = 1, tasks: [WorkflowTask] = [],
        inputParameters: [String]? = nil, outputParameters: [String: JSONValue]? = nil, schemaVersion: Int? = 2,
        restartable: Bool? = nil, ownerEmail: String? = nil, timeoutPolicy: String? = nil, timeoutSeconds: Int? = nil,
        variables: [String: JSONValue]? = nil, inputTemplate: [String: JSONValue]? = nil, failureWorkflow: String? = nil,
        workflowStatusListenerEnabled: Bool? = nil, metadata: [String: JSONValue]? = nil
    ) {
        self.name = name
        self.description = description
        self.version = version
        self.tasks = tasks
        self.inputParameters = inputParameters
        self.outputParameters = outputParameters
        self.schemaVersion = schemaVersion
        self.restartable = restartable
        self.ownerEmail = ownerEmail
        self.timeoutPolicy = timeoutPolicy
        self.timeoutSeconds = timeoutSeconds
        self.variables = variables
        self.inputTemplate = inputTemplate
        self.failureWorkflow = failureWorkflow
        self.workflowStatusListenerEnabled = workflowStatusListenerEnabled
        self.metadata = metadata
    }
}

/// `subWorkflowParam` of a SUB_WORKFLOW task: by name (and version) or with an inline definition.
public struct SubWorkflowParams: Codable, Sendable, Hashable {
    public var name: String?
    public var version: Int?
    public var taskToDomain: [String: String]?
    /// The inline child definition, when the child is embedded.
    public var workflowDefinition: WorkflowDef? {
        get { _workflowDefinition?.value }
        set { _workflowDefinition = newValue.map(Box.init) }
    }
    private var _workflowDefinition: Box<WorkflowDef>?

    enum CodingKeys: String, CodingKey {
        case name, version, taskToDomain
        case _workflowDefinition = "workflowDefinition"
    }

    public init(name: String? = nil, version: Int? = nil, workflowDefinition: WorkflowDef? = nil) {
        self.name = name
        self.version = version
        self._workflowDefinition = workflowDefinition.map(Box.init)
    }
}

/// Indirection for recursive value types.
final class Box<T: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    let value: T
    init(_ value: T) { self.value = value }
    init(from decoder: any Decoder) throws { value = try T(from: decoder) }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    static func == (lhs: Box, rhs: Box) -> Bool { lhs.value == rhs.value }
    func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
