"""SEQ302 unknown-argument: not written yet."""
