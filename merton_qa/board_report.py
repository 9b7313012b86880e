"""The quarterly QA report to the partnership board, composed from each app's board-report section.

Each app answers for its own pages with `board_section(start=, end=)` -> the context of its
`<app>/pdf/board_section.html` fragment, including `has_data` and, optionally, `headlines` (the
exceptions the executive summary lifts to the front). This module only orders them, adds the cover,
contents and summary, and renders the PDF. It is the one place that knows every app's section.

Made in the background as the "board-report" export with parameters {"period": "2026-Q2"}, and from
the command line by `manage.py board_report --period 2026-Q2 --output report.pdf`.
"""
import importlib
import importlib.util
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone

from partnership.pdf import render_pdf
from partnership.services.exports import register_export

from .quarters import Quarter

EXPORT_KIND = "board-report"


@dataclass(frozen=True)
class SectionSource:
    key: str
    title: str
    module: str
    template: str
    function: str = "board_section"
    question: str = ""  # what the board learns from it, shown in the contents


# The order of the board report, as the partnership's reporting structure lists it.
SOURCES = (
    SectionSource("performance", "Performance scorecard and exceptions", "performance.reports",
                  "performance/pdf/board_section.html", question="How are children doing, by the four OBA questions?"),
    SectionSource("section11", "Section 11 self-assessment", "section11.analysis_reports",
                  "section11/pdf/board_section.html", question="Are agencies meeting their safeguarding duties?"),
    SectionSource("audits", "Multi-agency case audits", "audits.reports", "audits/pdf/board_section.html",
                  question="What does practice look like on real cases?"),
    SectionSource("reviews", "Serious incidents and practice reviews", "reviews.reports",
                  "reviews/pdf/board_section.html",
                  question="Are statutory reviews on time, and is learning acted on?"),
    SectionSource("learning", "Learning and development", "learning.reports", "learning/pdf/board_section.html",
                  question="Is training reaching practitioners and changing practice?"),
    SectionSource("actions", "Action tracker", "partnership.reports", "partnership/pdf/board_section.html",
                  question="Are partners doing what they agreed?"),
    SectionSource("coverage", "Coverage of assurance", "learning.coverage", "learning/pdf/coverage_section.html",
                  question="Where along the child's journey do we have assurance, and where none?"),
)


@dataclass
class Section:
    source: SectionSource
    context: dict = field(default_factory=dict)
    available: bool = True  # False: the part of the service that would fill it is not in use
    html: str = ""          # the app's fragment, rendered with its own context

    @property
    def key(self) -> str:
        return self.source.key

    @property
    def title(self) -> str:
        return self.source.title

    @property
    def template(self) -> str:
        return self.source.template

    @property
    def has_data(self) -> bool:
        return self.available and bool(self.context.get("has_data"))

    @property
    def headlines(self) -> list[str]:
        return list(self.context.get("headlines") or []) if self.has_data else []


def module_installed(name: str) -> bool:
    """True when `name` can be imported (False also when its parent package is missing)."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _builder(source: SectionSource):
    if not module_installed(source.module):
        return None
    return getattr(importlib.import_module(source.module), source.function, None)


def build_section(source: SectionSource, quarter: Quarter) -> Section:
    builder = _builder(source)
    if builder is None:
        return Section(source, available=False)
    section = Section(source, context=builder(start=quarter.start, end=quarter.end))
    # A rendered template is already a SafeString (its variables were autoescaped): no mark_safe needed.
    section.html = render_to_string(source.template, {**section.context, "has_data": section.has_data})
    return section


def report_context(quarter: Quarter, *, sources=SOURCES) -> dict:
    now = timezone.localtime()
    sections = [build_section(source, quarter) for source in sources]
    return {
        "quarter": quarter,
        "sections": sections,
        "headlines": [(s, line) for s in sections for line in s.headlines],
        "generated_at": now,
        "as_at": min(quarter.end, now.date()),
        "in_progress": quarter.end >= now.date(),
        "title": f"Quality assurance report to the partnership board, {quarter.label}",
    }


def filename(quarter: Quarter) -> str:
    return f"board-report-{quarter.label.replace(' ', '-').lower()}.pdf"


def render(quarter: Quarter) -> bytes:
    return render_pdf("reports/board_report.html", report_context(quarter))


@register_export(EXPORT_KIND, title="Quarterly QA board report (PDF)")
def board_report_pdf(parameters: dict) -> tuple[str, bytes]:
    quarter = Quarter.parse(parameters.get("period", ""))
    return filename(quarter), render(quarter)
