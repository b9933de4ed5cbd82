"""The encrypted vault: SQLCipher database, key slots, encrypted file store, backups, checks."""
