"""SEQ303 fit-before-compile: not written yet."""
