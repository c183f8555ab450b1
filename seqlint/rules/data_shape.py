"""SEQ205 data-shape-mismatch: not written yet."""
