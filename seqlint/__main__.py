"""``python -m seqlint``."""

from seqlint.launch import main

if __name__ == "__main__":
    main()
