"""The service's SVG charts (partnership.charts) as PNG images, for documents that cannot hold SVG (Word).

How, and why this way: there is no SVG rasteriser among the pinned packages (CairoSVG and matplotlib are not
installed; matplotlib was rejected for charts), and WeasyPrint 70 writes PDF only. So the chart is laid out by
WeasyPrint (already pinned, the same engine as every PDF of the service, so the chart looks the same) on a page
exactly its size, and that one-page PDF is rasterised by `pdftoppm` (Debian poppler-utils, installed in the image
and already used by the tests). Where `pdftoppm` is missing the answer is None: the caller keeps the chart's data
table, which every chart has anyway.
"""
import logging
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from weasyprint import HTML

log = logging.getLogger(__name__)
_SIZE = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')
RESOLUTION = 192  # dots per inch: sharp on screen and in print at the chart's own size (96 px per inch)


def available() -> bool:
    return shutil.which("pdftoppm") is not None


def png_from_svg(svg: str) -> tuple[bytes, float, float] | None:
    """(PNG bytes, width and height in CSS pixels) for one SVG chart, or None when it cannot be made here."""
    match = _SIZE.search(svg)
    if not match or not available():
        return None
    width, height = float(match[1]), float(match[2])
    html = (f"<!doctype html><html><head><style>@page {{ size: {width}px {height}px; margin: 0 }}"
            f"html, body {{ margin: 0 }} svg {{ display: block }}</style></head><body>{svg}</body></html>")
    pdf = HTML(string=html).write_pdf()
    with tempfile.TemporaryDirectory(prefix="chart-") as folder:
        source, target = Path(folder) / "chart.pdf", Path(folder) / "chart"
        source.write_bytes(pdf)
        try:
            subprocess.run(["pdftoppm", "-png", "-r", str(RESOLUTION), "-singlefile", str(source), str(target)],
                           check=True, capture_output=True, timeout=60)
        except (subprocess.SubprocessError, OSError):
            log.warning("a chart could not be made into an image", exc_info=True)
            return None
        return target.with_suffix(".png").read_bytes(), width, height
