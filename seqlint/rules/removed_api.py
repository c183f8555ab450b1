"""SEQ401 removed-api: not written yet."""
