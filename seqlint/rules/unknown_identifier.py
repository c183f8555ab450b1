"""SEQ301 unknown-identifier: not written yet."""
