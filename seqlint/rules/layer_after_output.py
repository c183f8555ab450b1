"""SEQ108 layer-after-output: not written yet."""
