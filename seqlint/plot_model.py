"""``seqlint summary FILE --plot model.svg|.png``: a picture of each Sequential stack, like
``keras.utils.plot_model(show_shapes=True, show_layer_activations=True)``, without graphviz
or TensorFlow.

Each layer is a box (name and class, activation, output shape, parameters) joined to the next
by an arrow; a layer with findings is drawn in red with their codes. SVG is written by hand;
PNG is drawn with matplotlib (the ``plot`` extra) from the same layout, so both look alike.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from seqlint.diagnostics import Diagnostic
from seqlint.report.layers import ModelSites, model_sites
from seqlint.report.summary import format_count, format_shape
from seqlint.sources import SourceFile

CHAR_W = 7.8  # px per character of the 13 px monospace font
LINE_H = 18.0
PAD = 10.0
GAP = 30.0  # between boxes (the arrow)
COLUMN_GAP = 60.0
MARGIN = 20.0
TITLE_H = 30.0

NORMAL = ("#eef3fb", "#4a6fa5")  # fill, stroke
INPUT = ("#f4f4f4", "#888888")
PROBLEM = ("#fde8e8", "#c0392b")
TEXT = "#1d1d1d"
CODE_TEXT = "#b0281a"


class PlotError(Exception):
    """The picture cannot be made (unknown suffix, no matplotlib for PNG); one line."""


@dataclass
class Box:
    lines: list[str]  # the first is the title (bold)
    codes: list[str] = field(default_factory=list)  # finding lines, drawn in red
    kind: str = "layer"  # "input" | "layer"
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    h: float = 0.0

    @property
    def colors(self) -> tuple[str, str]:
        if self.codes:
            return PROBLEM
        return INPUT if self.kind == "input" else NORMAL


@dataclass
class Column:
    title: str
    boxes: list[Box]
    x: float = 0.0
    w: float = 0.0


@dataclass
class Picture:
    columns: list[Column]
    # findings on no layer's lines (a compile or fit call): listed under the models
    footer: list[str] = field(default_factory=list)


def picture(src: SourceFile, findings: Sequence[Diagnostic]) -> Picture:
    """One column of boxes per model, findings attached to the layer on whose lines they are;
    the others go to the footer, so that the picture hides none."""
    models = model_sites(src)
    cols = [_column(src, model, findings) for model in models]
    footer = []
    for d in findings:
        line = src.text_line(d.span.line, d.span.cell)
        on_layer = any(s.line <= line <= s.end_line for m in models for s in m.layers)
        if not on_layer:
            where = (
                f"cell {d.span.cell}, line {d.span.line}" if d.span.cell else f"line {d.span.line}"
            )
            footer.append(f"{d.code} {d.name} ({where})")
    if footer:
        footer.insert(0, "Other findings:")
    return Picture(cols, footer)


def _column(src: SourceFile, model: ModelSites, findings: Sequence[Diagnostic]) -> Column:
    boxes: list[Box] = []
    if model.input_shape is not None:
        boxes.append(
            Box(["input (InputLayer)", f"output: {format_shape(model.input_shape)}"], kind="input")
        )
    total = 0
    known = True
    for site in model.layers:
        lines = [f"{site.name} ({site.class_name})"]
        if site.activation:
            lines.append(f"activation: {site.activation}")
        lines.append(f"output: {site.shape_text}")
        lines.append(f"params: {format_count(site.params)}")
        if site.params is None:
            known = False
        else:
            total += site.params
        codes = []
        for d in findings:
            line = src.text_line(d.span.line, d.span.cell)
            if site.line <= line <= site.end_line and f"{d.code} {d.name}" not in codes:
                codes.append(f"{d.code} {d.name}")
        boxes.append(Box(lines, codes))
    who = f"{model.variable} ({model.name})" if model.variable else model.name
    params = f"{total:,} params" if known else "params unknown"
    return Column(f"{who}: {params}", boxes)


def layout(pic: Picture) -> tuple[float, float]:
    """Place the boxes (and the footer under them); returns the picture's (width, height)."""
    cols = pic.columns
    x = MARGIN
    height = 0.0
    for col in cols:
        widths = [max(len(t) for t in [*b.lines, *b.codes]) * CHAR_W + 2 * PAD for b in col.boxes]
        col.w = max([len(col.title) * CHAR_W, *widths, 120.0])
        col.x = x
        y = MARGIN + TITLE_H
        for box, w in zip(col.boxes, widths, strict=True):
            box.w = w
            box.h = (len(box.lines) + len(box.codes)) * LINE_H + 2 * PAD - 4
            box.x = x + (col.w - w) / 2
            box.y = y
            y += box.h + GAP
        height = max(height, y - GAP + MARGIN)
        x += col.w + COLUMN_GAP
    width = x - COLUMN_GAP + MARGIN
    height = max(height, MARGIN * 2 + TITLE_H)
    if pic.footer:
        width = max(width, max(len(t) for t in pic.footer) * CHAR_W + 2 * MARGIN)
        height += len(pic.footer) * LINE_H + PAD
    return width, height


def footer_top(pic: Picture, height: float) -> float:
    """The baseline of the footer's first line."""
    return height - MARGIN - (len(pic.footer) - 1) * LINE_H - 4


def render_svg(pic: Picture) -> str:
    cols = pic.columns
    width, height = layout(pic)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="DejaVu Sans Mono, Menlo, '
        f'Consolas, monospace" font-size="13">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>',
    ]
    for col in cols:
        cx = col.x + col.w / 2
        out.append(
            f'<text x="{cx:.1f}" y="{MARGIN + 14:.1f}" text-anchor="middle" font-weight="bold" '
            f'fill="{TEXT}">{escape(col.title)}</text>'
        )
        for i, box in enumerate(col.boxes):
            fill, stroke = box.colors
            width_px = 2.5 if box.codes else 1.2
            out.append(
                f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" height="{box.h:.1f}" '
                f'rx="6" fill="{fill}" stroke="{stroke}" stroke-width="{width_px}"/>'
            )
            for j, text in enumerate([*box.lines, *box.codes]):
                ty = box.y + PAD + 13 + j * LINE_H
                weight = ' font-weight="bold"' if j == 0 or j >= len(box.lines) else ""
                color = CODE_TEXT if j >= len(box.lines) else TEXT
                out.append(
                    f'<text x="{box.x + PAD:.1f}" y="{ty:.1f}" fill="{color}"{weight}>'
                    f"{escape(text)}</text>"
                )
            if i + 1 < len(col.boxes):
                y0, y1 = box.y + box.h, col.boxes[i + 1].y
                out.append(
                    f'<line x1="{cx:.1f}" y1="{y0:.1f}" x2="{cx:.1f}" y2="{y1 - 1:.1f}" '
                    'stroke="#555" stroke-width="1.3" marker-end="url(#arrow)"/>'
                )
    top = footer_top(pic, height)
    for j, text in enumerate(pic.footer):
        weight = ' font-weight="bold"' if j == 0 else ""
        out.append(
            f'<text x="{MARGIN:.1f}" y="{top + j * LINE_H:.1f}" fill="{CODE_TEXT}"{weight}>'
            f"{escape(text)}</text>"
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def render_png(pic: Picture, path: str) -> None:
    try:
        import matplotlib
    except ImportError:
        raise PlotError("a .png picture needs matplotlib: pip install 'seqlint[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    cols = pic.columns
    width, height = layout(pic)
    dpi = 100
    fig = plt.figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.axis("off")
    font: dict[str, Any] = {"family": "monospace", "size": 13 * 72 / dpi}
    for col in cols:
        cx = col.x + col.w / 2
        ax.text(cx, MARGIN + 14, col.title, ha="center", va="baseline", weight="bold", **font)
        for i, box in enumerate(col.boxes):
            fill, stroke = box.colors
            ax.add_patch(
                FancyBboxPatch(
                    (box.x, box.y),
                    box.w,
                    box.h,
                    boxstyle="round,pad=0,rounding_size=6",
                    facecolor=fill,
                    edgecolor=stroke,
                    linewidth=2.0 if box.codes else 1.0,
                )
            )
            for j, text in enumerate([*box.lines, *box.codes]):
                bold = j == 0 or j >= len(box.lines)
                ax.text(
                    box.x + PAD,
                    box.y + PAD + 13 + j * LINE_H,
                    text,
                    va="baseline",
                    color=CODE_TEXT if j >= len(box.lines) else TEXT,
                    weight="bold" if bold else "normal",
                    **font,
                )
            if i + 1 < len(col.boxes):
                ax.add_patch(
                    FancyArrowPatch(
                        (cx, box.y + box.h),
                        (cx, col.boxes[i + 1].y),
                        arrowstyle="-|>",
                        mutation_scale=12,
                        color="#555555",
                        linewidth=1.2,
                    )
                )
    top = footer_top(pic, height)
    for j, text in enumerate(pic.footer):
        weight = "bold" if j == 0 else "normal"
        ax.text(
            MARGIN, top + j * LINE_H, text, va="baseline", color=CODE_TEXT, weight=weight, **font
        )
    fig.savefig(path, dpi=dpi, facecolor="white")
    plt.close(fig)


def plot_model(src: SourceFile, findings: Sequence[Diagnostic], path: str) -> int:
    """Draw every model of ``src`` into ``path`` (.svg or .png); returns how many models.
    Raises :class:`PlotError` or :class:`OSError`."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in (".svg", ".png"):
        raise PlotError(f"--plot writes .svg or .png, not {suffix or 'a file without a suffix'}")
    pic = picture(src, findings)
    if not pic.columns:
        raise PlotError("no Sequential model to draw")
    if suffix == ".svg":
        svg = render_svg(pic)
        with open(path, "w", encoding="utf-8") as f:
            f.write(svg)
    else:
        render_png(pic, path)
    return len(pic.columns)
