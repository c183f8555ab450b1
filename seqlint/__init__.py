"""seqlint: a static analyzer for Keras Sequential models."""

__version__ = "0.1.0"
