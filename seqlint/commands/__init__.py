"""The bodies of the command-line commands, free of click (see :mod:`seqlint.launch`)."""
