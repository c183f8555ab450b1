"""SEQ107 hidden-softmax: not written yet."""
