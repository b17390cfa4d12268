// ConductorClient
