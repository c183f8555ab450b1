"""seqlint: a static analyzer for Keras Sequential models."""

__version__ = "0.1.0"


def load_ipython_extension(shell: object) -> None:
    """``%load_ext seqlint`` (IPython imports nothing heavy until the extension loads)."""
    from seqlint.ipython import load_ipython_extension as load

    load(shell)


def unload_ipython_extension(shell: object) -> None:
    from seqlint.ipython import unload_ipython_extension as unload

    unload(shell)
