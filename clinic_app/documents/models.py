"""Tables for documents: packet checklist items and attorney sign-offs."""
