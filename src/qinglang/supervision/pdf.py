"""The supervision report as PDF: the report drawn into HTML by a Jinja2 template shipped in the package, laid
out by WeasyPrint (Pango does the Chinese line breaking; the CJK font comes from fontconfig: Debian's
fonts-noto-cjk). Imports WeasyPrint only when a PDF is asked for, so XLSX and CSV work without Pango.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from qinglang.supervision import values
from qinglang.supervision.document import SupervisionReport

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.globals.update(shown=values.shown, value_text=values.value_text, change_text=values.change_text)
    return env


def render_html(report: SupervisionReport) -> str:
    """The report as one HTML page (also useful to preview it in a browser)."""
    generated = report.generated_at.astimezone(ZoneInfo(report.time_zone)).strftime("%Y-%m-%d %H:%M")
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    return _environment().get_template("report.html").render(report=report, css=css, generated=generated)


def _weasyprint_html():
    """WeasyPrint's ``HTML``, imported only when a PDF is rendered (Pango through cffi is heavy).

    Importing WeasyPrint switches on Pillow's process-wide ``ImageFile.LOAD_TRUNCATED_IMAGES``; in a server that
    would make the screening path accept half an image as a whole one (``imaging.decode`` refuses truncated
    files as ``image_corrupt``). The flag is put back as it was."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return HTML


def render_pdf(report: SupervisionReport) -> bytes:
    HTML = _weasyprint_html()  # noqa: N806 - the class, under its own name
    return HTML(string=render_html(report), base_url=str(TEMPLATES)).write_pdf()
