"""``python -m seqlint``."""

import gc

# What the command line imports lives for the whole run: collecting while importing only
# traces those objects again and again (about 5 % of a one-file check).
gc.disable()
from seqlint.cli import main  # noqa: E402

gc.enable()

if __name__ == "__main__":
    main()
