"""Word documents: docxtpl templates, the context builder, packet checklists, batch export."""
