extension DashboardAssets {
    /// The page every dashboard route answers: the shell the script fills in.
    static let html = ##"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>agentspanc</title>
<link rel="icon" href="/dashboard/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/dashboard/app.css">
<script src="/dashboard/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="/">agentspanc</a>
  <nav aria-label="Main">
    <a href="/" data-nav="executions">Executions</a>
    <a href="/agents" data-nav="agents">Agents</a>
    <a href="/compare" data-nav="compare">Compare</a>
  </nav>
  <span id="live" class="live" role="status" aria-live="polite">connecting…</span>
</header>
<main id="main" tabindex="-1"><p class="muted">Loading…</p></main>
<dialog id="login" aria-labelledby="login-title">
  <form id="login-form" method="dialog">
    <h2 id="login-title">API key</h2>
    <p>This server requires its API key. It is kept for this browser session only.</p>
    <p id="login-error" class="error-text" hidden></p>
    <label for="login-key">Key</label>
    <input id="login-key" name="key" type="password" autocomplete="current-password" required>
    <div class="row"><button type="submit" class="primary">Continue</button></div>
  </form>
</dialog>
<noscript>The dashboard needs JavaScript.</noscript>
</body>
</html>
"""##
}
