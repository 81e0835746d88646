"""Drawing pictures of a student's code: what every course's pictures module shares.

A course names a module in course.yaml (`pictures:`) whose `PICTURES` maps a name to a `Picture`: which
exercise's code it draws, how (`draw`, for `grade plot NAME`, with the student's module run in the worker and the
reference beside it) and how a notebook shows it (`show`, with the notebook's own functions). Drawing needs
matplotlib (the `plot` extra), imported only when drawing, on a bare Agg canvas, so no GUI backend and no pyplot
state are involved.
"""

from __future__ import annotations

import functools
import io
import sys
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
    show: Callable[..., Figure | None]  # show(*functions) in a notebook, with the notebook's own FUNCTIONS
    functions: tuple[str, ...]  # the names of the exercise's module that `show` takes
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
        import matplotlib
        from matplotlib import font_manager

        lang = i18n.current()
        if lang != "ja":
            return draw(*args, **kwargs)
        installed = {font.name for font in font_manager.fontManager.ttflist}
        font = next((name for name in JAPANESE_FONTS if name in installed), None)
        if font is not None:
            with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": [font, "DejaVu Sans"]}):
                return draw(*args, **kwargs)
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


def show(trace: Callable[[], Any], draw: Callable[[Any], Figure]) -> Figure | None:
    """Run the code, draw it and show it in the running Jupyter kernel; the figure, or None after one printed
    line when the code is not written yet or matplotlib is missing (a picture cell never fails a notebook)."""
    try:
        traced = trace()
        require_matplotlib()
    except NotImplementedError:
        print(_("Write the functions above first, then run this cell again to see the picture."))
        return None
    except GradingError as exc:
        print(exc)
        return None
    figure = draw(traced)
    ipython = sys.modules.get("IPython")
    if ipython is not None and ipython.get_ipython() is not None:
        from IPython.display import Image, display

        png = io.BytesIO()
        figure.savefig(png, format="png", dpi=90)
        display(Image(png.getvalue()))
    return figure
