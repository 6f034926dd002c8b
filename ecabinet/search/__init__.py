"""Search across the domains: one index of what people read, Vietnamese-aware, filtered by the policy in SQL."""
