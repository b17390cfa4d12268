/// The dashboard's files, compiled into the server binary so nothing needs to sit beside it. Each is
/// hand-written HTML, JavaScript, CSS or SVG kept as a raw string literal in `DashboardAssets+*.swift`; edit them
/// there (no build step, no framework, nothing fetched from another host).
enum DashboardAssets {}
