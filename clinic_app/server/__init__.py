"""The clinic server: a PostgreSQL cluster made, run and secured for the app (TLS, roles, RLS)."""
