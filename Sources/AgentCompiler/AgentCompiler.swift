// AgentCompiler
