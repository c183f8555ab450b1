"""SEQ203 label-encoding-mismatch: not written yet."""
