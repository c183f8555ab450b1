"""SEQ204 accuracy-on-regression: not written yet."""
