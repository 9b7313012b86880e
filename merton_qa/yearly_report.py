"""The partnership's yearly report (Working Together 2023), drafted from the evidence.

Built the same way as the board pack (`merton_qa.board_report`): every app's board section is built for one
12-month `ReportPeriod` and reads state as it stood at the period's one moment (`period.as_at`); the sections'
facts and figures are the report's figures, so a figure here is the same figure the board packs of the year's
quarters show (summed over the quarters where it counts things that happened; the fourth quarter's where it is a
state at the end). This module adds what the board pack does not hold: the analysis of priorities with little or
no evidence of progress, the "you said, we did" feedback, what each agency contributed, and the sections the
business unit writes (`partnership.models.YearlyReport`).

The report is one list of blocks (`Heading`, `Paragraph`, `Bullets`, `Table`, `Chart`), so the Word document
(`merton_qa.yearly_docx`) and the tagged PDF (templates/reports/yearly_report_pdf.html) say the same thing.
Both are made in the background: the "yearly-report-docx" export (any time, for editing before sign-off) and
"yearly-report-publish" (once, for the approved report). From the command line: `manage.py yearly_report --year
2025-26 --output report.docx` (or .pdf).
"""
import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from partnership import charts, contract, history
from partnership.contract import PriorityEvidence, plural
from partnership.dates import Quarter, ReportPeriod, day_words, moment_words
from partnership.models import (
    Priority,
    SafeguardingPartner,
    YearlyReport,
)
from partnership.pdf import render_pdf
from partnership.services import yearly_reports
from partnership.services.exports import register_export
from partnership.services.meetings import meetings_held

from . import priorities as priorities_module
from .board_report import Section
from .yearly_figures import (
    agency_contributions,
    build_sections,
    feedback_in,
    packs_of_year,
    packs_words,
    quarter_contexts,
    review_figures,
)

TITLE = "Yearly report of the safeguarding partnership"


# --- The document, as blocks both outputs read ----------------------------------------------------------------
class Block:
    """What both outputs (the PDF's template, the Word document) ask a block: which it is, by name."""

    is_heading = is_chapter = is_paragraph = is_bullets = is_table = is_chart = False


@dataclass(frozen=True)
class Heading(Block):
    text: str
    level: int = 1  # 1: a chapter (Heading 1); 2: a part of it (Heading 2)
    is_heading = True

    @property
    def is_chapter(self) -> bool:
        return self.level == 1


@dataclass(frozen=True)
class Paragraph(Block):
    text: str
    is_paragraph = True


@dataclass(frozen=True)
class Bullets(Block):
    items: tuple[str, ...]
    is_bullets = True


@dataclass(frozen=True)
class Table(Block):
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()  # the columns that hold numbers (right-aligned)
    weights: tuple[float, ...] = ()  # how the width is shared between the columns of words (default: evenly)
    is_table = True


@dataclass(frozen=True)
class Chart(Block):
    title: str
    alt: str  # the image's alternative text: what the chart shows, in words with its numbers
    svg: str
    is_chart = True


# --- Priority progress ----------------------------------------------------------------------------------------
@dataclass
class PriorityFinding:
    """What the report says about one priority: the evidence behind it, a judgement and, when there is little or
    no evidence of progress, the sentence that says so."""

    priority: Priority
    evidence: list[PriorityEvidence] = field(default_factory=list)
    # ASSURED (progress), PARTLY (some), NOT_ASSURED or NO_EVIDENCE (little or none)
    judgement: str = contract.NO_EVIDENCE
    little_or_no_evidence: str = ""  # blank when there is evidence of progress

    @property
    def judgement_words(self) -> str:
        return JUDGEMENT_WORDS[self.judgement]


JUDGEMENT_WORDS = {contract.ASSURED: "Evidence of progress", contract.PARTLY: "Some evidence of progress",
                   contract.NOT_ASSURED: "Little or no evidence of progress", contract.NO_EVIDENCE: "No evidence"}


def findings_from_progress(results) -> list[PriorityFinding]:
    """The priority pages' judgements (merton_qa.priorities.progress) in the report's terms: one rule for both."""
    return [PriorityFinding(result.priority, list(result.evidences), result.status,
                            result.sentence if result.little_or_none else "") for result in results]


def priority_progress(priorities: list[Priority], period: ReportPeriod, *, sections: dict) -> list[PriorityFinding]:
    """The same judgement as each priority's page and the board pack's priorities section, for the year."""
    return findings_from_progress(priorities_module.progress(priorities, period))


# --- Figures (merton_qa.yearly_figures) ------------------------------------------------------------------------
def _facts(sections: dict[str, Section], *questions: str, exclude=()) -> list[str]:
    return [fact.text for key, s in sections.items() if key not in exclude for fact in s.facts
            if fact.question in questions]


# --- The report -------------------------------------------------------------------------------------------------
def report_context(period: ReportPeriod, *, report: YearlyReport | None = None, sources=None) -> dict:
    """Everything the report says, as blocks, with the figures they come from."""
    sections = build_sections(period, sources)
    reviews = review_figures(period, sections["reviews"]) if "reviews" in sections else {}
    priorities = list(Priority.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=period.start),
                                              start_date__lte=period.end).order_by("order", "title"))
    findings = priority_progress(priorities, period, sections=sections)
    feedback = feedback_in(period)
    contributions = agency_contributions(period, sections.get("learning"), sections.get("section11"))
    approvals = list(report.approvals.all()) if report else []
    context = {
        "period": period, "report": report, "sections": sections, "reviews": reviews, "findings": findings,
        "feedback": feedback, "contributions": contributions, "approvals": approvals,
        "meetings": meetings_held(period, at=period.as_at),
        "audit_quarters": quarter_contexts(period, "audits", sources),
        "packs": packs_of_year(period),
        "as_at": period.as_at, "in_progress": period.in_progress, "generated_at": timezone.localtime(history.now()),
        "title": f"{TITLE}, {period.label}",
        "status_words": _status_words(report, approvals),
    }
    context["blocks"] = blocks(context)
    return context


def _status_words(report: YearlyReport | None, approvals) -> str:
    if report is None:
        return "Figures only: not a report the partners have approved"
    if report.is_published_or_publishing:
        return "Published: approved by the three safeguarding partners"
    if yearly_reports.is_approved(report, approvals):
        return "Approved by the three safeguarding partners, not yet published"
    return "Draft for the safeguarding partners' approval"


def _day(value) -> str:
    return day_words(value) if value else ""


def _text_or(report: YearlyReport | None, name: str, missing: str) -> list:
    paragraphs = YearlyReport.paragraphs(getattr(report, name, "") if report else "")
    return [Paragraph(p) for p in paragraphs] or [Paragraph(missing)]


def blocks(c: dict) -> list:
    period, sections, report = c["period"], c["sections"], c["report"]
    out: list = [Paragraph(f"This report covers {period.months}. Every figure is read from the partnership's "
                           f"records as they stood at {moment_words(timezone.localtime(c['as_at']), ', ')}"
                           + (", while the year was still under way: the figures will change." if c["in_progress"]
                              else ", the end of the year: made again, it shows the same figures.")),
                 Paragraph("Its figures are the board packs' figures: a count of what happened in the year is the "
                           "sum of the four quarterly packs' counts, and a state at the year's end is the fourth "
                           "quarter's. Reviews are given as counts and themes only: no child or case is "
                           "identifiable.")]
    out += _did(c, sections)
    out += _reviews(c)
    out += _impact(c, sections)
    out += _priorities(c)
    out += _feedback(c)
    out += _contributions(c)
    out.append(Heading("The independent scrutineer's assessment"))
    out += _text_or(report, "scrutineer_assessment", "The independent scrutineer's assessment has not been written "
                                                     "yet.")
    out.append(Heading("Priorities for the year ahead"))
    ahead = YearlyReport.lines(report.priorities_ahead) if report else []
    out.append(Bullets(tuple(ahead)) if ahead else Paragraph("The priorities for the year ahead have not been "
                                                             "written yet."))
    out += _approval(c)
    return out


def _did(c: dict, sections: dict[str, Section]) -> list:
    out: list = [Heading("What the partnership did"),
                 Paragraph("What the partnership did under its arrangements in the year: the Section 11 "
                           "self-assessment, the audit programme, the performance framework, training and "
                           "briefings, the action tracker, and the board's and subgroups' meetings.")]
    rows = []
    for key, section in sections.items():
        if key == "reviews":
            continue
        did = [f.text for f in section.facts if f.question == contract.HOW_MUCH]
        well = [f.text for f in section.facts if f.question == contract.HOW_WELL]
        if did or well:
            rows.append((section.title, " ".join(did) or "Nothing recorded.", " ".join(well) or "—"))
    rows.append(("Partnership board", packs_words(c["packs"]), "—"))
    groups = c["meetings"]
    if groups:
        held, decisions = sum(g.held for g in groups), sum(g.decisions for g in groups)
        rows.append(("Subgroup meetings", f"{plural(held, 'meeting')} held by {plural(len(groups), 'subgroup')}; "
                                          f"{plural(decisions, 'decision')} made, {sum(g.actions for g in groups)} "
                                          f"turned into tracker actions.", _attendance_words(groups)))
    else:
        rows.append(("Subgroup meetings", "No subgroup meeting is recorded as held in the year.", "—"))
    out.append(Table("What the partnership did, and how well", ("Area", "How much we did", "How well we did it"),
                     tuple(rows), weights=(1, 1.6, 1.6)))
    if groups:
        out.append(Table("The subgroups' meetings in the year",
                         ("Subgroup", "Meetings held", "Decisions made", "Turned into actions", "Attendance"),
                         tuple((g.subgroup, str(g.held), str(g.decisions), str(g.actions), _rate(g.attendance))
                               for g in groups), numeric=(1, 2, 3, 4)))
    return out


def _rate(rate) -> str:
    """An attendance rate in words a table cell holds: the percentage, or that no place was recorded."""
    return "No places recorded" if rate is None or rate.percent is None else f"{rate.percent}%"


def _attendance_words(groups) -> str:
    expected, attended = sum(g.attendance.expected for g in groups), sum(g.attendance.attended for g in groups)
    if not expected:
        return "No attendance was recorded at the meetings."
    return (f"Members or their deputies filled {attended} of {plural(expected, 'place')} at the meetings "
            f"({round(100 * attended / expected)}%).")


def _reviews(c: dict) -> list:
    r = c["reviews"]
    out: list = [Heading("Child safeguarding practice reviews")]
    if not r:
        return out + [Paragraph("No review figures are recorded for the year.")]
    totals = r["totals"]
    rows = tuple((q["label"], str(q["referrals"]), str(q["notifications"]), str(q["rapid_reviews"]),
                  str(q["lcsprs"])) for q in r["quarters"])
    rows += (("Year", str(totals["referrals"]), str(totals["notifications"]), str(totals["rapid_reviews"]),
              str(totals["lcsprs"])),)
    out += [Heading("Notifications and rapid reviews", 2),
            Paragraph(f"In the year the partnership received {plural(totals['referrals'], 'referral')} of a "
                      f"serious incident, notified the national Panel of {plural(totals['notifications'], 'incident')}"
                      f" and started {plural(totals['rapid_reviews'], 'rapid review')}."),
            Table("Serious incidents and reviews by quarter",
                  ("Quarter", "Referrals", "Notifications", "Rapid reviews", "Practice reviews decided"), rows,
                  numeric=(1, 2, 3, 4))]
    clocks = []
    if r["notified_total"]:
        clocks.append(f"{r['notified_on_time']} of {plural(r['notified_total'], 'notification')} made within 5 "
                      f"working days.")
    if r["sent_total"]:
        clocks.append(f"{r['sent_on_time']} of {plural(r['sent_total'], 'rapid review')} sent to the Panel within 15 "
                      f"working days.")
    if r["national"]:
        clocks.append(f"The Panel took {plural(r['national'], 'rapid review')} into a national review.")
    if clocks:
        out.append(Bullets(tuple(clocks)))
    if any(q["notifications"] or q["rapid_reviews"] for q in r["quarters"]):
        labels = [q["label"] for q in r["quarters"]]
        values = [q["notifications"] for q in r["quarters"]]
        words = "; ".join(f"{label}: {value}" for label, value in zip(labels, values, strict=True))
        out.append(Chart("Notifications to the national Panel by quarter",
                         f"Bar chart of notifications to the national Panel in each quarter. {words}.",
                         str(charts.bar_chart(title="Notifications to the national Panel by quarter",
                                              description=words, labels=labels, values=values))))
    out += [Heading("Local child safeguarding practice reviews", 2),
            Paragraph(f"{plural(totals['lcsprs'], 'local child safeguarding practice review')} commissioned in the "
                      f"year; {r['lcsprs_published']} published; {r['lcsprs_in_progress']} in progress at the year's "
                      f"end.")]
    out += [Heading("Decisions and actions on local recommendations", 2),
            Paragraph(f"{plural(r['recommendations_in_period'], 'recommendation')} made in the year "
                      f"({r['recommendations']} in all). The actions agreed on them: {r['actions_total']} in all, "
                      f"{r['actions_done']} done, {r['actions_open']} open and {r['actions_overdue']} overdue at the "
                      f"year's end.")]
    if r["themes"]:
        out.append(Table("The themes of the year's recommendations", ("Theme", "Recommendations"),
                         tuple((name, str(n)) for name, n in r["themes"]), numeric=(1,)))
    out.append(Heading("Decisions and actions on national reviews' recommendations", 2))
    out += _text_or(c["report"], "national_response", "The response to national reviews has not been written yet.")
    out.append(Heading("Improvements that resulted", 2))
    better = [f.text for f in c["sections"]["reviews"].facts if f.question == contract.BETTER_OFF]
    out.append(Paragraph(f"{plural(r['actions_done'], 'action')} from review recommendations completed, with the "
                         f"evidence of their impact assured where the tracker records it. " + " ".join(better)))
    return out


def _impact(c: dict, sections: dict[str, Section]) -> list:
    out: list = [Heading("Evidence of impact on children and families")]
    better = _facts(sections, contract.BETTER_OFF, exclude=("reviews",))
    learning = sections.get("learning")
    if learning and learning.has_data and not learning.context["practice"]["total"]:
        better.append("Training: no delegate was followed up in the year, so there is no evidence yet of a change "
                      "in practice after training.")
    out.append(Bullets(tuple(better)) if better else Paragraph("No evidence of impact is recorded for the year."))
    out += _indicators(sections.get("performance"))
    out += _grades(c["audit_quarters"])
    actions = sections.get("actions")
    if actions and actions.has_data:
        out.append(Paragraph(f"Actions whose completion and impact were signed off in the year: "
                             f"{actions.context['signed_off_count']}."))
    return out


def _indicators(performance: Section | None) -> list:
    """The indicators at the year's last reported quarter against its first (the performance section's
    `over_period`), or against the quarter before when only one quarter of the year is reported."""
    if not (performance and performance.has_data):
        return []
    last, over = performance.context["quarter_shown"], performance.context.get("over_period")
    rows = [r for r in performance.context["scorecard"]["rows"] if r.value is not None]
    out: list = [Heading("Indicators that improved or worsened", 2)]
    if over:
        first = over["first"]
        out.append(Paragraph(f"Each indicator's figure in {last.label}, the last quarter of the year with validated "
                             f"figures, against {first.label}, the first: the direction is the change over the "
                             f"year."))
        shown = [e for e in over["rows"] if e["row"].value is not None]
        out.append(Table(f"Indicators in {first.label} and {last.label}",
                         ("Indicator", first.label, last.label, "Against target", "Direction"),
                         tuple((e["row"].indicator.title, _value(e["first_value"], e["row"].indicator),
                                _value(e["row"].value, e["row"].indicator), e["row"].rag.label, e["direction"].label)
                               for e in shown), numeric=(1, 2)))
        directions, since = [e["direction"].label for e in shown], f"between {first.label} and {last.label}"
    else:
        out.append(Paragraph(f"Only {last.label} has validated figures in the year, so each indicator is compared "
                             f"with the quarter before it."))
        out.append(Table(f"Indicators in {last.label}, against the quarter before",
                         ("Indicator", last.label, "Quarter before", "Against target", "Direction"),
                         tuple((r.indicator.title, _value(r.value, r.indicator), _value(r.previous_value, r.indicator),
                                r.rag.label, r.direction.label) for r in rows), numeric=(1, 2)))
        directions, since = [r.direction.label for r in rows], f"in {last.label} against the quarter before"
    counts = {k: directions.count(k) for k in ("Better", "No change", "Worse")}
    words = "; ".join(f"{k}: {v}" for k, v in counts.items())
    out.append(Chart("Indicators by direction of travel",
                     f"Bar chart of indicators by direction of travel {since}. {words}.",
                     str(charts.bar_chart(title="Indicators by direction of travel", description=words,
                                          labels=list(counts), values=list(counts.values())))))
    return out


def _grades(quarters: list[tuple[Quarter, dict]]) -> list:
    """The overall consensus grades of the multi-agency audits in each quarter of the year, from the quarters'
    audits sections (the board packs' own)."""
    if not quarters:
        return []
    out: list = [Heading("Audit grades over the year", 2)]
    labels = [e["label"] for e in sorted({e["label"]: e for _, ctx in quarters for e in ctx.get("grade_counts", [])}
                                         .values(), key=lambda e: (-e["score"], e["label"]))]
    if not labels:
        return out + [Paragraph("No multi-agency audit case was graded in the year.")]
    rows = []
    for quarter, ctx in quarters:
        found = {e["label"]: e["count"] for e in ctx.get("grade_counts", [])}
        good = sum(e["count"] for e in ctx.get("grade_counts", []) if e["good_or_better"])
        graded = sum(found.values())
        rows.append((quarter.label, *(str(found.get(label, 0)) for label in labels), str(graded),
                     f"{round(100 * good / graded)}%" if graded else "None graded"))
    out.append(Paragraph("The overall grade the audit meetings agreed for each case, by the quarter the audit "
                         "belongs to (as in that quarter's board pack)."))
    out.append(Table("Overall audit grades by quarter", ("Quarter", *labels, "Cases graded", "Good or better"),
                     tuple(rows), numeric=tuple(range(1, len(labels) + 3))))
    return out


def _value(value, indicator) -> str:
    if value is None:
        return "No data"
    return charts.fmt(float(value), "%" if str(indicator.unit) == "percentage" else "")


def evidence_words(evidence: PriorityEvidence) -> str:
    """One source's facts as one run of text, its label said once: every app's fact already opens with it
    ("Indicators: 4 indicators ... Indicators: 2 green ..." reads "Indicators: 4 indicators ... 2 green ...")."""
    texts = [fact.text for fact in evidence.facts]
    label = texts[0].split(": ", 1)[0] + ": " if texts and ": " in texts[0] else ""
    if label and all(text.startswith(label) for text in texts):
        return label + " ".join(text[len(label):] for text in texts)
    return " ".join(texts)


def _priorities(c: dict) -> list:
    findings = c["findings"]
    out: list = [Heading("Where there is little or no evidence of progress on our priorities"),
                 Paragraph("For each priority the partnership agreed, what the indicators, audits, Section 11 "
                           "standards, training, review learning and actions tagged to it show for the year.")]
    if not findings:
        return out + [Paragraph("No partnership priority covers the year.")]
    out.append(Table("Evidence of progress on each priority", ("Priority", "Evidence", "Judgement"),
                     tuple((f.priority.title, " ".join(evidence_words(e) for e in f.evidence if e.facts)
                            or "Nothing tagged to it.", f.judgement_words) for f in findings), weights=(1, 2.2, 1)))
    little = [f.little_or_no_evidence for f in findings if f.little_or_no_evidence]
    out.append(Heading("Areas with little or no evidence of progress", 2))
    out.append(Bullets(tuple(little)) if little else Paragraph("Every priority shows some evidence of progress."))
    return out


def _feedback(c: dict) -> list:
    feedback = c["feedback"]
    out: list = [Heading("How feedback from children, families and practitioners was sought and used")]
    if not feedback:
        return out + [Paragraph("No feedback is recorded for the year.")]
    counts: dict[str, int] = {}
    for item in feedback:
        counts[item.get_source_display()] = counts.get(item.get_source_display(), 0) + 1
    out.append(Paragraph("Feedback heard in the year: " + "; ".join(f"{k}: {v}" for k, v in counts.items()) + "."))
    out.append(Table("You said, we did", ("Who said it", "Heard", "You said", "We did", "Linked to"),
                     tuple((f.get_source_display(), _day(f.heard_on) + (f" ({f.how_sought})" if f.how_sought else ""),
                            f.heard, f.changed or "Not yet changed.",
                            f.priority.title if f.priority else (f.action.title if f.action else ""))
                           for f in feedback), weights=(1.35, 1.25, 1.8, 1.8, 1.2)))
    return out


def _contributions(c: dict) -> list:
    rows = c["contributions"]
    out: list = [Heading("What relevant agencies contributed")]
    if not rows:
        return out + [Paragraph("No agency contribution is recorded for the year.")]
    out.append(Paragraph("Self-assessments made: the agency's Section 11 (or schools') returns made in the cycles "
                         "the Section 11 section reports for the year, by the year's end, whenever the cycle "
                         "opened. Data returns and audit returns: those made in the year. Meeting attendance: the "
                         "places at the subgroups' meetings held in the year its members or their deputies filled."))
    out.append(Table("Each agency's contribution in the year",
                     ("Agency", "Self-assessments made", "Data returns", "Audit returns", "Trainer days",
                      "Training places attended", "Meeting attendance"),
                     tuple((r["agency"], str(r["section11"]), str(r["data_returns"]), str(r["audits"]),
                            charts.fmt(r["trainer_days"]), str(r["attended"]),
                            _rate(r["meetings"]) if r["meetings"] else "No place")
                           for r in rows),
                     numeric=(1, 2, 3, 4, 5, 6)))
    return out


def _approval(c: dict) -> list:
    approvals = {a.partner: a for a in c["approvals"]}
    out: list = [Heading("Approval by the safeguarding partners")]
    out.append(Table("Approval by the three safeguarding partners", ("Partner", "Approved by", "Date approved"),
                     tuple((label, f"{a.approver_name}{', ' + a.approver_role if a.approver_role else ''}"
                            if (a := approvals.get(key)) else "Not yet approved", _day(a.approved_on) if a else "")
                           for key, label in SafeguardingPartner.choices)))
    return out


# --- Outputs ----------------------------------------------------------------------------------------------------
def filename(period: ReportPeriod, suffix: str, *, draft: bool = False) -> str:
    return f"yearly-report-{period.label.replace(' ', '-').lower()}{'-draft' if draft else ''}.{suffix}"


def render_pdf_for(period: ReportPeriod, *, report: YearlyReport | None = None) -> bytes:
    return render_pdf("reports/yearly_report_pdf.html", report_context(period, report=report))


def render_docx_for(period: ReportPeriod, *, report: YearlyReport | None = None) -> bytes:
    from . import yearly_docx

    return yearly_docx.render(report_context(period, report=report))


def period_of(report: YearlyReport) -> ReportPeriod:
    return yearly_reports.period_for(report.start)


@register_export(yearly_reports.DOCX_KIND, title="Yearly report (Word)")
def yearly_report_docx(parameters: dict) -> tuple[str, bytes]:
    """The report to edit before sign-off: the draft's text with the year's figures, or the figures alone."""
    report = YearlyReport.objects.defer("pdf").filter(pk=parameters.get("report_id")).first() \
        if parameters.get("report_id") else None
    if report:
        period = period_of(report)
    elif parameters.get("start"):
        period = yearly_reports.period_for(datetime.date.fromisoformat(parameters["start"]))
    else:
        period = ReportPeriod.for_financial_year(int(parameters["year"]))
    return filename(period, "docx", draft=not (report and report.is_published)), render_docx_for(period,
                                                                                                  report=report)


@register_export(yearly_reports.PUBLISH_KIND, title="Yearly report, published (PDF)")
def yearly_report_publish(parameters: dict) -> tuple[str, bytes]:
    """Publishing: the approved report made once as a tagged PDF and kept, with its hash, on the report."""
    report = YearlyReport.objects.get(pk=parameters["report_id"])
    period = period_of(report)
    pdf = render_pdf_for(period, report=report)
    yearly_reports.report_store_published(report=report, pdf=pdf, as_at=period.as_at)
    return filename(period, "pdf"), pdf


def today_year() -> int:
    return Quarter.containing(timezone.localdate()).financial_year


def last_complete_year(today: datetime.date | None = None) -> int:
    return Quarter.containing(today or timezone.localdate()).financial_year - 1
