"""Editor latency: how long after an edit the warm ``seqlint server`` publishes its findings,
against what the same check costs as one ``seqlint check FILE`` process.

Writes a ~300-line model file (several Sequential models, conv and recurrent, a few
findings), then, in the same run:

- starts ``seqlint server`` once, opens the file, and sends ``--edits`` changes (each one
  alters a layer's width, so the findings change); for each, the time from sending the change
  to receiving the diagnostics for that version. The debounce is set to 0 ms, so what is
  measured is the analysis and the protocol; an editor adds the debounce (150 ms by default)
  while the user types.
- runs ``python -m seqlint check FILE --no-cache`` ``--cli-runs`` times (the start-up every CLI
  run pays, plus the same analysis).

and prints the medians and their ratio::

    python benchmarks/editor_speed.py
    python benchmarks/editor_speed.py --edits 50 --cli-runs 5
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = """\
import numpy as np
import keras
from keras import layers

x_train = np.random.rand(256, 28, 28, 1)
y_train = np.random.randint(0, 10, size=(256,))
"""

CNN = """
cnn_{i} = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D({w}, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Conv2D({w2}, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(64, activation="relu"),
    layers.Dropout(0.5),
    layers.Dense(10, activation="softmax"),
])
cnn_{i}.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
cnn_{i}.fit(x_train, y_train, epochs=2, batch_size=32)
"""

LSTM = """
rnn_{i} = keras.Sequential([
    keras.Input(shape=(40, 8)),
    layers.LSTM({w}, return_sequences=True),
    layers.LSTM(32),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
rnn_{i}.compile(optimizer="adam", loss="binary_crossentropy")
"""

BUGGY = """
bad_{i} = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D({w}, 3),
    layers.Dense(10, activation="softmax"),
])
"""


def model_file(width: int, lines: int = 300) -> str:
    """A model file of about ``lines`` lines; ``width`` changes one layer per model."""
    parts = [HEADER]
    i = 0
    while sum(p.count("\n") for p in parts) < lines:
        template = (CNN, LSTM, BUGGY)[i % 3]
        parts.append(template.format(i=i, w=width + i, w2=2 * width))
        i += 1
    return "".join(parts)


async def editor_latencies(path: Path, edits: int) -> list[float]:
    from lsprotocol import types
    from pygls.lsp.client import LanguageClient

    client = LanguageClient("bench", "0")
    arrived: dict[int, float] = {}
    event = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _published(params: types.PublishDiagnosticsParams) -> None:
        if params.version is not None:
            arrived[params.version] = time.perf_counter()
            event.set()

    async def wait_for(version: int) -> float:
        while version not in arrived:
            event.clear()
            await asyncio.wait_for(event.wait(), 60)
        return arrived[version]

    await client.start_io(sys.executable, "-m", "seqlint", "server")
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            initialization_options={"debounceMs": 0},
        )
    )
    client.initialized(types.InitializedParams())
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="python", version=1, text=model_file(16))
        )
    )
    await wait_for(1)  # warm: imports done, first analysis done
    out = []
    for n in range(edits):
        version = n + 2
        text = model_file(16 + (n % 7) + 1)
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        out.append(await wait_for(version) - sent)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return out


def cli_times(path: Path, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "seqlint", "check", str(path), "--no-cache"],
            capture_output=True,
            check=False,
        )
        out.append(time.perf_counter() - start)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--cli-runs", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "models.py"
        path.write_text(model_file(16))
        lines = path.read_text().count("\n")
        editor = asyncio.run(editor_latencies(path, args.edits))
        cli = cli_times(path, args.cli_runs)
    e, c = statistics.median(editor), statistics.median(cli)
    print(f"file: {lines} lines")
    print(
        f"editor change -> diagnostics (warm server, {len(editor)} edits): median {e * 1000:.1f} ms"
    )
    print(f"  min {min(editor) * 1000:.1f} ms, max {max(editor) * 1000:.1f} ms")
    print(f"CLI seqlint check FILE --no-cache ({len(cli)} runs): median {c * 1000:.1f} ms")
    print(f"CLI / editor: {c / e:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
