"""SEQ501-SEQ599 design tier (opt-in): not written yet."""
