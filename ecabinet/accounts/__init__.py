"""People who use the system: users, roles, portfolios, passwords, sessions and API tokens."""
