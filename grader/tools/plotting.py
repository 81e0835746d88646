"""Drawing pictures of a student's code: what every course's pictures module shares.

A course names a module in course.yaml (`pictures:`) whose `PICTURES` maps a name to a `Picture`: which
exercise's code it draws and how (`draw`, with the student's module run in the worker and the reference beside
it). `grade plot NAME` and a notebook's picture cell (which runs `grade plot`) both draw it that way, so student
code never runs outside the worker. Drawing needs matplotlib (the `plot` extra), imported only when drawing, on a
bare Agg canvas, so no GUI backend and no pyplot state are involved.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grader.core import i18n
from grader.core.errors import GradingError
from grader.core.i18n import _

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Fonts with Japanese glyphs, as Debian (fonts-noto-cjk, fonts-ipaexfont), macOS and Windows name them.
JAPANESE_FONTS = ("Noto Sans CJK JP", "IPAexGothic", "IPAGothic", "Hiragino Sans", "Yu Gothic", "Meiryo", "MS Gothic")


@dataclass(frozen=True)
class Picture:
    """One picture of a student's code that a course draws."""

    exercise: str  # the exercise whose module it draws
    draw: Callable[..., Figure]  # draw(student, reference or None, learning_rates): `grade plot`
    learning_rates: tuple[float, ...] = ()  # the default of `grade plot --lr`; empty: the picture takes none


def require_matplotlib() -> None:
    """A GradingError with the install line when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise GradingError(_('pictures need matplotlib: pip install "dlfs-ch4-grader[plot]"')) from None


def drawable(draw: Callable[..., Figure]) -> Callable[..., Figure]:
    """Japanese labels need a Japanese font: with one installed the figure uses it; without one it is drawn in
    English, not in empty boxes."""

    @functools.wraps(draw)
    def drawn(*args: Any, **kwargs: Any) -> Figure:
        from matplotlib import font_manager
        from matplotlib.text import Text

        lang = i18n.current()
        if lang != "ja":
            return draw(*args, **kwargs)
        installed = {font.name for font in font_manager.fontManager.ttflist}
        font = next((name for name in JAPANESE_FONTS if name in installed), None)
        if font is not None:
            figure = draw(*args, **kwargs)
            # On each text itself: a font set for the drawing only (an rc_context) is gone when the PNG is saved.
            for text in figure.findobj(Text):
                text.set_fontfamily([font, "DejaVu Sans"])
            return figure
        i18n.use("en")
        try:
            return draw(*args, **kwargs)
        finally:
            i18n.use(lang)

    return drawn


def new_figure(figsize: tuple[float, float], columns: int = 1, widths: tuple[float, ...] | None = None):
    """A figure on its own Agg canvas (no pyplot, no GUI backend) and its axes, side by side."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(1, columns, width_ratios=widths)
    return figure, axes


def describe(value: Any) -> str:
    """What came back, in a few words: `a value of type tuple with 2 items`."""
    kind = type(value).__name__
    if isinstance(value, (tuple, list)):
        return _("a value of type {kind} with {n} items").format(kind=kind, n=len(value))
    shape = getattr(value, "shape", None)
    if shape is not None:
        return _("a value of type {kind} and shape {shape}").format(kind=kind, shape=shape)
    return _("a value of type {kind}").format(kind=kind)
