"""``seqlint server``: the checker as a Language Server (LSP over stdio, with pygls).

pygls is an optional extra (``seqlint[lsp]``), so nothing here imports it until the server
starts: :mod:`seqlint.server.lsp` holds the protocol wiring, :mod:`seqlint.server.documents`
the editor-independent work (lint a text, turn findings and fixes into ranges).
"""

from __future__ import annotations


class ServerUnavailable(Exception):
    """pygls is not installed; the message says how to install it."""


def serve() -> None:
    """Run the server on stdin/stdout until the client says exit."""
    try:
        from seqlint.server.lsp import create_server
    except ImportError as e:
        if "pygls" in str(e) or "lsprotocol" in str(e):
            raise ServerUnavailable(
                "seqlint server needs pygls: pip install 'seqlint[lsp]'"
            ) from None
        raise
    create_server().start_io()
