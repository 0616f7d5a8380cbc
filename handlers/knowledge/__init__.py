"""The knowledge base: ingest, search, cited answers, feedback and the manager hand-off."""
