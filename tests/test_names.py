"""Import paths: Keras 3's implementation package ``keras.src`` builds the same models."""

from __future__ import annotations

from helpers import lint, shapes


def test_models_built_from_keras_src_are_extracted() -> None:
    code = """
        from keras.src import layers, models
        model = models.Sequential(
            [layers.Input((8,)), layers.Dense(4), layers.Dense(1, activation="softmax")]
        )
        model.compile(loss="binary_crossentropy")
    """
    assert shapes(code) == [("Dense", [None, 4], 36), ("Dense", [None, 1], 5)]
    assert "SEQ201" in {d.code for d in lint(code)}


def test_keras_src_internals_are_not_reported_as_removed_api() -> None:
    # keras.src.backend.common is no public API, so it is no removed one either
    code = """
        from keras.src.backend.common import global_state
        from keras.src import models, layers
        model = models.Sequential([layers.Input((3,)), layers.Dense(2)])
    """
    assert [d.code for d in lint(code)] == []


def test_check_verbose_says_which_names_were_guessed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from seqlint.cli import cli

    path = tmp_path / "snippet.py"
    path.write_text(
        "model = Sequential()\n"
        "model.add(Dense(32, input_dim=8, activation='relu'))\n"
        "model.add(Dense(1, activation='softmax'))\n"
    )
    quiet = CliRunner().invoke(cli, ["check", "--no-cache", str(path)])
    loud = CliRunner().invoke(cli, ["check", "--no-cache", "--verbose", str(path)])
    assert "SEQ201" in quiet.stdout and "never imported" not in quiet.stderr
    assert quiet.exit_code == loud.exit_code == 1
    assert "Dense, Sequential: never imported, taken to be Keras's" in loud.stderr


def test_summary_says_which_names_were_guessed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from seqlint.cli import cli

    path = tmp_path / "snippet.py"
    path.write_text("model = Sequential([Dense(4, input_dim=3), Dense(1)])\n")
    result = CliRunner().invoke(cli, ["summary", str(path)])
    assert result.exit_code == 0 and "dense_1 (Dense)" in result.stdout
    assert "Dense, Sequential: never imported, taken to be Keras's" in result.stderr
