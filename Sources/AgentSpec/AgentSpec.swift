// AgentSpec
