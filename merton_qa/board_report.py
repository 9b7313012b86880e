"""The board pack: the quarterly QA report to the partnership board, composed from every app's board sections.

Each app offers its sections through its contribution (`partnership.contract`); the composition root lists them
(`merton_qa.composition`). Every section is built for one `ReportPeriod` and reads state as it stood at the
period's one moment (`period.as_at`), so the whole pack agrees with itself and a past quarter made again shows
the same figures. This module only puts the sections in order and writes the opening pages from what the
sections say: "The quarter on one page" (the four OBA questions, from the sections' facts) and the five
assurances (from their evidence), then the chair's narrative and what the board is asked to note or decide.

A draft pack is made in the background as the "board-report" export with parameters {"period": "2026-Q2"} (and
"pack_id" for a draft with its narrative); a published pack is stored with its PDF and hash and never made again
(`partnership.services.board_packs`). From the command line: `manage.py board_report --period 2026-Q2 --output
report.pdf`.
"""
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone

from partnership import history, snapshots
from partnership.contract import ASSURANCES, OBA_QUESTIONS, STATUS_WORDS, BoardSection, overall_status
from partnership.dates import Quarter, ReportPeriod
from partnership.models import BoardPack
from partnership.pdf import render_pdf
from partnership.services import board_packs
from partnership.services.exports import register_export

from . import composition

EXPORT_KIND = "board-report"


@dataclass
class Section:
    source: BoardSection
    context: dict = field(default_factory=dict)
    html: str = ""  # the app's fragment, rendered with its own context

    @property
    def key(self) -> str:
        return self.source.key

    @property
    def title(self) -> str:
        return self.source.title

    @property
    def has_data(self) -> bool:
        return bool(self.context.get("has_data"))

    def _part(self, name: str) -> list:
        return list(self.context.get(name) or []) if self.has_data else []

    @property
    def headlines(self) -> list[str]:
        return self._part("headlines")

    @property
    def facts(self) -> list:
        return self._part("facts")

    @property
    def evidence(self) -> list:
        return self._part("evidence")


# Every section's template is given the report's period as `period`; a section's own context may not give the name
# another value (the pack once printed the report's quarter where the performance section meant the quarter it
# shows, the latest with validated figures).
RESERVED_CONTEXT = ("period",)


def build_section(source: BoardSection, period: ReportPeriod) -> Section:
    section = Section(source, context=source.build(period))
    if clash := [name for name in RESERVED_CONTEXT if section.context.get(name, period) != period]:
        raise ValueError(f"The {source.key} section's context gives {', '.join(clash)} a value of its own, but "
                         f"every section's template is given the report's: name the section's value otherwise.")
    # A rendered template is already a SafeString (its variables were autoescaped): no mark_safe needed.
    section.html = render_to_string(source.template, {**section.context, "has_data": section.has_data,
                                                      "period": period})
    return section


def one_page(sections: list[Section]) -> list[dict]:
    """The four OBA questions, each answered by every section's facts for it (in the sections' order)."""
    return [{"key": key, "question": question,
             "facts": [(s, fact.text) for s in sections for fact in s.facts if fact.question == key]}
            for key, question in OBA_QUESTIONS]


def assurances(sections: list[Section]) -> list[dict]:
    """The five assurances, each with its evidence from every section and a status in words."""
    result = []
    for key, title in ASSURANCES:
        evidence = [(s, e) for s in sections for e in s.evidence if e.assurance == key]
        status = overall_status(e.status for _, e in evidence)
        result.append({"key": key, "title": title, "status": status, "status_words": STATUS_WORDS[status],
                       "evidence": [{"section": s, "text": e.text, "status": e.status,
                                     "status_words": STATUS_WORDS[e.status]} for s, e in evidence]})
    return result


def report_context(period: ReportPeriod | Quarter, *, sources=None, pack: BoardPack | None = None) -> dict:
    if isinstance(period, Quarter):
        period = ReportPeriod.for_quarter(period)
    sources = composition.board_sections() if sources is None else sources
    with snapshots.one_reading():
        sections = [build_section(source, period) for source in sources]
    return {
        "period": period,
        "quarter": period.quarter(),
        "sections": sections,
        "one_page": one_page(sections),
        "assurances": assurances(sections),
        "headlines": [(s, line) for s in sections for line in s.headlines],
        "pack": pack,
        "narrative": pack.narrative_paragraphs if pack else [],
        "asks": pack.ask_lines if pack else [],
        "generated_at": timezone.localtime(history.now()),  # a seeded record: when it happened
        "as_at": period.as_at,
        "in_progress": period.in_progress,
        "title": f"Quality assurance report to the partnership board, {period.label}",
    }


def summary_of(context: dict) -> dict:
    """The pack's opening page in plain data, kept with a published pack (the chair's home page shows it)."""
    return {
        "one_page": [{"question": q["question"], "facts": [text for _, text in q["facts"]]}
                     for q in context["one_page"]],
        "assurances": [{"title": a["title"], "status": a["status"], "status_words": a["status_words"],
                        "because": because(a)}
                       for a in context["assurances"]],
    }


def because(assurance: dict) -> list[str]:
    """The evidence that sets an assurance's status: an assurance is as strong as its weakest evidence, so the lines
    with that status say why (a home page that shows only "Not assured" leaves the reader to guess)."""
    return [e["text"] for e in assurance["evidence"] if e["status"] == assurance["status"]]


def filename(period: ReportPeriod | Quarter, *, draft: bool = False) -> str:
    label = period.label
    return f"board-report-{label.replace(' ', '-').lower()}{'-draft' if draft else ''}.pdf"


def render(period: ReportPeriod | Quarter, *, pack: BoardPack | None = None) -> bytes:
    return render_pdf("reports/board_report.html", report_context(period, pack=pack))


def render_with_summary(period: ReportPeriod | Quarter, *, pack: BoardPack | None = None) -> tuple[bytes, dict,
                                                                                                   ReportPeriod]:
    """The PDF, its opening page as data, and the period it was read for (with its moment)."""
    context = report_context(period, pack=pack)
    return render_pdf("reports/board_report.html", context), summary_of(context), context["period"]


@register_export(EXPORT_KIND, title="Quarterly QA board report (PDF)")
def board_report_pdf(parameters: dict) -> tuple[str, bytes]:
    """A draft pack (with its narrative when `pack_id` is given), or the figures alone for a quarter."""
    pack = BoardPack.objects.filter(pk=parameters["pack_id"]).first() if parameters.get("pack_id") else None
    quarter = Quarter.parse(parameters.get("period", "") or (pack.period_code if pack else ""))
    return filename(quarter, draft=pack is not None), render(quarter, pack=pack)


@register_export(board_packs.PUBLISH_KIND, title="Board pack, published (PDF)")
def board_pack_publish_pdf(parameters: dict) -> tuple[str, bytes]:
    """Publishing: the approved pack is made once, stored with its hash on the pack, and never made again. A run
    that takes over from one that died after storing it returns the stored PDF, so the report is that one file."""
    pack = BoardPack.objects.get(pk=parameters["pack_id"])
    quarter = Quarter.parse(pack.period_code)
    if pack.status == BoardPack.Status.PUBLISHED:
        return filename(quarter), bytes(pack.pdf)
    pdf, summary, period = render_with_summary(quarter, pack=pack)
    stored = board_packs.pack_store_published(pack=pack, pdf=pdf, summary=summary, as_at=period.as_at)
    return filename(quarter), bytes(stored.pdf) if stored.pdf is not None else pdf
