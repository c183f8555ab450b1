"""Data read from files (``np.load``, ``pd.read_csv``): arrays whose rows are unknown, but
whose axes and literally selected columns are, so a wrong input width is still reported,
and nothing is reported where the width is not certain."""

from __future__ import annotations

from helpers import lint

MODEL = """
from tensorflow import keras
model = keras.Sequential([keras.Input(shape=({width},)), keras.layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(X, y)
"""


def _codes(data: str, width: int) -> list[str]:
    found = lint("import numpy as np\nimport pandas as pd\n" + data + MODEL.format(width=width))
    return [d.name for d in found]


def test_a_frames_literal_column_slice_sets_the_width() -> None:
    data = "df = pd.read_csv('a.csv')\nX = df.iloc[:, 1:3].values\ny = df.iloc[:, 3].values\n"
    assert _codes(data, 3) == ["data-shape-mismatch"]
    assert _codes(data, 2) == []


def test_a_frame_changed_in_place_forgets_its_columns() -> None:
    for change in ("X['extra'] = 1", "X.insert(0, 'extra', 1)", "del X['a']"):
        data = f"df = pd.read_csv('a.csv')\nX = df.iloc[:, 1:3]\n{change}\nX = X.values\ny = 0\n"
        assert _codes(data, 3) == [], change


def test_widths_that_are_not_certain_stay_unknown() -> None:
    for data in (
        "X = pd.read_csv('a.csv').values[:, :-1]\ny = 0\n",  # negative bound, width unknown
        "X = pd.read_csv('a.csv').values[:100]\ny = 0\n",  # rows sliced: columns unknown
        "X = pd.read_csv('a.csv', chunksize=10).values\ny = 0\n",  # a reader, not a frame
        "X = np.load('x.npy')[:, 0:5]\ny = 0\n",  # number of axes unknown
        "X = np.load('x.npy')[:, :, 0:5]\ny = 0\n",
    ):
        assert _codes(data, 4) == [], data


def test_a_loaded_array_takes_the_shape_it_is_reshaped_to() -> None:
    data = "X = np.load('x.npy')\nX = X.reshape(-1, 4, 4)\ny = np.load('y.npy')\n"
    assert _codes(data, 16) == ["data-shape-mismatch"]
    flat = "X = np.load('x.npy').reshape(-1, 16)\ny = np.load('y.npy')\n"
    assert _codes(flat, 16) == []


def test_an_unknown_values_reshape_needs_literal_dims() -> None:
    assert _codes("X = np.reshape(load(), (1, 4, 4))\ny = 0\n", 16) == ["data-shape-mismatch"]
    assert _codes("X = load().reshape(1, 4, 4)\ny = 0\n", 16) == ["data-shape-mismatch"]
    for dims in ("n, 4, 4", "-1, -1, 4", "*dims", "(1, 4, 4), order='F'"):
        assert _codes(f"X = load().reshape({dims})\ny = 0\n", 16) == [], dims


def test_scalers_keep_the_width_and_label_encoders_give_one_axis() -> None:
    data = (
        "from sklearn.preprocessing import StandardScaler, LabelEncoder\n"
        "X = StandardScaler().fit_transform(pd.read_csv('a.csv').iloc[:, 0:3].values)\n"
        "enc = LabelEncoder()\ny = enc.fit_transform(names)\nn = len(enc.classes_)\n"
    )
    assert _codes(data, 4) == ["data-shape-mismatch"]
    assert _codes(data, 3) == []
    unknown = "from sklearn.preprocessing import PolynomialFeatures\n"
    unknown += "X = PolynomialFeatures(2).fit_transform(np.random.rand(10, 3))\ny = 0\n"
    assert _codes(unknown, 4) == []  # a transformer that changes the width: not modelled


def test_a_literal_table_of_unknown_numbers_has_its_rows_and_columns() -> None:
    assert _codes("X = np.array([[a], [b], [c]])\ny = 0\n", 3) == ["data-shape-mismatch"]
    assert _codes("X = np.array([[a, b, c]])\ny = 0\n", 3) == []
    for data in (
        "X = np.array([img1, img2])\ny = 0\n",  # flat: often whole images
        "X = np.array([[a, b], [c]])\ny = 0\n",  # ragged
        "X = np.array([[a, b], img])\ny = 0\n",
        "X = np.array([[a, [1, 2]], [b, [3, 4]]])\ny = 0\n",
    ):
        assert _codes(data, 3) == [], data


def test_arrays_appended_in_a_loop_over_unknown_data_keep_their_shape() -> None:
    from seqlint.extract import extract_text

    code = (
        "import numpy as np\nfrom tensorflow import keras\n"
        "def one_hot(labels):\n"
        "    table = {'a': np.array([0, 1]), 'b': np.array([1, 0])}\n"
        "    out = []\n"
        "    for label in labels:\n"
        "        out.append(table[label].reshape(1, 2))\n"
        "    return np.asarray(out)\n"
        "def mixed(labels):\n"
        "    out = []\n"
        "    for label in labels:\n"
        "        out.append(np.zeros((1, 2)) if label else np.zeros((2,)))\n"
        "    return np.asarray(out)\n"
        "m = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])\n"
        "m.fit(np.zeros((5, 4)), one_hot(names))\n"
        "m.fit(np.zeros((5, 4)), mixed(names))\n"
    )
    fits = [c for c in extract_text(code).models[0].calls if c.method == "fit"]
    assert [getattr(c.args[1], "shape", None) for c in fits] == [(None, 1, 2), None]
