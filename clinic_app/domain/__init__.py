"""The clinic's records (SQLModel tables), value vocabularies and validators."""
