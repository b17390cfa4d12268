extension DashboardAssets {
    /// The dashboard's icon (`/dashboard/favicon.svg`).
    static let icon = ##"""
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#2457c5"/><path d="M8 23 16 8l8 15" stroke="#fff" stroke-width="3" fill="none" stroke-linejoin="round"/><circle cx="16" cy="19" r="2.5" fill="#fff"/></svg>
"""##
}
