"""The store seam: one set of services over the encrypted vault or the clinic's PostgreSQL server."""
