"""Issue 21, items 3 and 4, for `make bench` (called from scripts/bench.py; also runs on its own):

- **The board pack's shape**: how many HTML elements WeasyPrint lays out (in all, inside SVG charts, and the
  charts themselves), how many pages, and CPU seconds per page for the whole report and for WeasyPrint alone on
  the same HTML (`pack_shape`, `measure_pack`).
- **The worst inputs an agency user can send** within the caps (`measure_inputs`): the largest spreadsheet
  `partnership.sheet_limits` lets through, uploaded to a data return and to a Section 11 return and previewed;
  a Section 11 return with every answer at its longest, read on its pages and exported; the largest exports
  an agency user can ask for in a request. Goal: no request over `GOAL_S` seconds of server time.

On its own, against a database already migrated and seeded (`seed_demo`, then `seed_large`):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mqa_x DEBUG=true .venv/bin/python scripts/bench_inputs.py \
        --pack [--period 2026-Q2] [--runs 2] [--root /path/to/another/checkout]
    ... scripts/bench_inputs.py --inputs     # changes the database (long answers): use a throwaway one

`--root` measures another checkout of the code (the main branch, say) with this same script, so "before" and
"after" are measured the same way on the same data.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
GOAL_S = 2.0


def _setup(root: Path) -> None:
    sys.path.insert(0, str(root))
    os.chdir(root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "merton_qa.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("REQUIRE_2FA", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


# --- the board pack's shape --------------------------------------------------------------------------------
SVG_NS = "{http://www.w3.org/2000/svg}"


def pack_shape(html: str, pdf: bytes) -> dict:
    """Elements of the HTML as WeasyPrint's parser (tinyhtml5) builds them, and the PDF's pages."""
    import re

    import tinyhtml5

    root = tinyhtml5.parse(html)
    elements = svg = svgs = images = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        elements += 1
        if element.tag.startswith(SVG_NS):
            svg += 1
            svgs += element.tag == f"{SVG_NS}svg"
        elif element.tag.endswith("img"):
            images += 1
    try:
        import io

        import pikepdf

        with pikepdf.open(io.BytesIO(pdf)) as document:
            pages = len(document.pages)
    except ImportError:
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    return {"elements": elements, "svg_elements": svg, "svgs": svgs, "images": images, "pages": pages,
            "html": len(html)}


def pack_child(period: str, runs: int) -> None:
    """In a fresh process: one warm-up render, then `runs` interleaved rounds of the whole report and of
    WeasyPrint alone on the same HTML (the board-report measurement of scripts/bench.py), CPU seconds."""
    import gc
    from unittest import mock

    from merton_qa import board_report
    from partnership import pdf
    from partnership.dates import Quarter

    quarter = Quarter.parse(period)
    began = time.perf_counter()
    with mock.patch.object(pdf, "HTML", wraps=pdf.HTML) as constructor:  # to keep the final HTML and base URL
        first_pdf = board_report.render(quarter)
    first = time.perf_counter() - began
    html_of = constructor.call_args.kwargs
    cpu = {"report": [], "weasy": []}
    steps = [("report", lambda: board_report.render(quarter)),
             ("weasy", lambda: pdf.HTML(**html_of).write_pdf(pdf_variant="pdf/ua-1"))]
    for i in range(runs):  # interleaved, alternating which goes first
        for key, step in steps if i % 2 == 0 else steps[::-1]:
            gc.collect()
            began = time.process_time()
            step()
            cpu[key].append(time.process_time() - began)
    shape = pack_shape(html_of["string"], first_pdf)
    if os.environ.get("BENCH_PACK_PDF"):  # to look at it: pdftoppm -png -r 60
        Path(os.environ["BENCH_PACK_PDF"]).write_bytes(first_pdf)
    report_cpu, weasy_cpu = statistics.median(cpu["report"]), statistics.median(cpu["weasy"])
    print(json.dumps({**shape, "period": period, "runs": runs, "first": first, "report_cpu": report_cpu,
                      "weasy_cpu": weasy_cpu, "cpu_per_page": report_cpu / shape["pages"]}))


def measure_pack(period: str, runs: int, root: Path | None = None) -> dict:
    command = [sys.executable, str(HERE), "--pack-child", "--period", period, "--runs", str(runs)]
    if root:
        command += ["--root", str(root)]
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=os.environ).stdout
    return json.loads(out.strip().splitlines()[-1])


def pack_lines(pack: dict, label: str = "Large partnership") -> list[str]:
    return ["", "## Board pack's shape (issue 21: half the elements, half the CPU per page)", "",
            "| Data | HTML elements | inside SVG | SVG charts | images | pages | HTML KiB | "
            "CPU s: report / WeasyPrint alone | CPU s per page | CPU ratio |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {label} | {pack['elements']:,} | {pack['svg_elements']:,} | {pack['svgs']} | {pack['images']} | "
            f"{pack['pages']} | {pack['html'] / 1024:.0f} | {pack['report_cpu']:.2f} / {pack['weasy_cpu']:.2f} | "
            f"{pack['cpu_per_page']:.3f} | {pack['report_cpu'] / pack['weasy_cpu']:.2f}× |"]


# --- the worst inputs an agency user can send, within the caps ------------------------------------------------
FILL_COLUMNS = 40  # partnership.sheet_limits.MAX_COLUMNS: cells read per row


def _words(n: int, length: int) -> str:
    """Distinct text of `length` characters (row n), so shared strings cannot fold the cells together."""
    seed = f"Row {n}: the figure was checked against the case records and the team's own tally. "
    return (seed * (length // len(seed) + 1))[:length]


def unzipped(content: bytes) -> int:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return sum(m.file_size for m in archive.infolist())


def largest_workbook(base: bytes, *, sheet: str, first_row: int, data_rows: int, fill: dict[int, int],
                     max_unzipped: int) -> bytes:
    """`base` (the workbook the service hands out) made as large as the readers' caps allow: `data_rows` rows from
    `first_row` (the service's own rows first, repeated), the columns in `fill` ({column: characters}) filled with
    text that long, and every other column up to FILL_COLUMNS filled so the unzipped size stays just under
    `max_unzipped`."""
    import io

    from openpyxl import load_workbook

    def build(extra_chars: int) -> bytes:
        wb = load_workbook(io.BytesIO(base))
        ws = wb[sheet]
        ws.protection.sheet = False
        template = [[c.value for c in row] for row in ws.iter_rows(min_row=first_row, max_row=ws.max_row)]
        template = [row for row in template if any(v not in (None, "") for v in row)] or [[]]
        width = max(len(row) for row in template)
        for i in range(data_rows):
            n = first_row + i
            values = list(template[i % len(template)]) + [None] * (FILL_COLUMNS - width)
            for column, length in fill.items():
                values[column - 1] = _words(n, length)
            for column in range(width + 1, FILL_COLUMNS + 1):
                values[column - 1] = _words(n * 100 + column, extra_chars)
            for column, value in enumerate(values, start=1):
                ws.cell(row=n, column=column, value=value)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    probe = build(100)
    per_char = (unzipped(build(200)) - unzipped(probe)) / 100
    extra = max(int(100 + (max_unzipped * 0.97 - unzipped(probe)) / per_char), 0)
    book = build(extra)
    while unzipped(book) > max_unzipped and extra > 0:
        extra = int(extra * 0.95)
        book = build(extra)
    return book


def measure_inputs(email: str = "lead@police.example.org") -> list[dict]:
    """Each of the worst requests an agency user can make, through its real page, as the police lead. Changes the
    database (the return's answers and the data return's commentary at their longest): run it last.

    Only the web tier is timed: work queued in the outbox (a PDF export) stays queued, as it would for a worker,
    instead of running eagerly when the request commits (the benchmark has no broker)."""
    from unittest import mock

    with mock.patch("partnership.services.outbox.relay_after_commit_safely"):
        return _measure_inputs(email)


def _measure_inputs(email: str) -> list[dict]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from partnership import history
    from partnership.models import User
    from performance import spreadsheets as perf_sheets
    from performance.models import DataReturn, Value
    from performance.services.returns import MAX_TEXT as COMMENTARY_MAX
    from section11 import spreadsheets as s11_sheets
    from section11.forms.returns import AnswerForm
    from section11.models import Answer, Return

    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user)
    rows = []

    def timed(label, call, expect):
        clocks = (time.perf_counter, time.process_time)
        began = [clock() for clock in clocks]
        response = call()  # a streamed response's time includes making its body: read it all
        body = b"".join(response.streaming_content) if response.streaming else response.content
        wall, cpu = (clock() - start for clock, start in zip(clocks, began, strict=True))
        size = len(body)
        rows.append({"case": label, "status": response.status_code, "wall": wall, "cpu": cpu, "bytes": size,
                     "met": response.status_code in expect and wall <= GOAL_S})
        print(f"  {label:<70} {response.status_code} {wall:6.2f} s ({cpu:.2f} s CPU, {size / 1024:,.0f} KiB)",
              flush=True)
        return response

    # 1. A Section 11 return with every answer at its longest: its pages, a save, its exports.
    ret = Return.objects.filter(agency=user.agency, status__in=Return.EDITABLE).order_by("-cycle__pk").first()
    fields = AnswerForm.base_fields
    narrative_max, impact_max = fields["narrative"].max_length, fields["impact"].max_length
    with transaction.atomic():
        history.update(Answer.objects.filter(ret=ret), narrative=_words(1, narrative_max),
                       impact=_words(2, impact_max))
    answers = list(ret.answers.order_by("pk").values_list("pk", "version", "criterion__standard__number"))
    label = f"Section 11 return, {len(answers)} answers at {narrative_max:,} + {impact_max:,} characters"
    timed(f"{label}: its page", lambda: client.get(reverse("section11:return-detail", args=[ret.pk])), {200})
    number = min(a[2] for a in answers)
    timed(f"{label}: a standard's page", lambda: client.get(
        reverse("section11:standard", args=[ret.pk, number])), {200})
    pk, version, _ = answers[0]
    level = ret.cycle.framework.scale.levels.order_by("order").first()
    timed(f"{label}: save one answer at its longest", lambda: client.post(
        reverse("section11:answer-save", args=[ret.pk, pk]),
        {f"a{pk}-rating": level.pk, f"a{pk}-narrative": _words(3, narrative_max),
         f"a{pk}-impact": _words(4, impact_max), f"a{pk}-version": version}), {302})
    timed(f"{label}: spreadsheet export", lambda: client.get(
        reverse("section11:return-export-xlsx", args=[ret.pk])), {200, 302})
    timed(f"{label}: PDF export asked for", lambda: client.post(
        reverse("section11:return-export-pdf", args=[ret.pk])), {302})

    # 2. The largest Section 11 workbook the caps allow: upload, preview, reload.
    book = largest_workbook(s11_sheets.return_workbook(ret), sheet=s11_sheets.RETURN_SHEET,
                            first_row=s11_sheets.FIRST_DATA_ROW, data_rows=s11_sheets.MAX_DATA_ROWS - 1,
                            fill={9: narrative_max, 10: impact_max}, max_unzipped=s11_sheets.MAX_UNZIPPED_BYTES)
    what = (f"Section 11 import, largest workbook ({s11_sheets.MAX_DATA_ROWS - 1:,} rows × {FILL_COLUMNS} columns, "
            f"{len(book) / 2**20:.1f} MB, {unzipped(book) / 2**20:.1f} MB unzipped)")
    upload = timed(f"{what}: upload", lambda: client.post(reverse("section11:return-import", args=[ret.pk]),
                                                          {"file": SimpleUploadedFile("return.xlsx", book)}), {302})
    if upload.status_code == 302:
        timed(f"{what}: preview", lambda: client.get(upload["Location"]), {200})
        timed(f"{what}: preview reloaded", lambda: client.get(upload["Location"]), {200})

    # 3. A data return: every commentary at its longest; the largest workbook and CSV the caps allow.
    data_return = (DataReturn.objects.filter(agency=user.agency).exclude(status="validated")
                   .order_by("-period__end", "-pk").first())
    if data_return is not None:
        with transaction.atomic():
            history.update(Value.objects.filter(data_return=data_return), commentary=_words(5, COMMENTARY_MAX))
        timed(f"Data return, every commentary {COMMENTARY_MAX:,} characters: its page", lambda: client.get(
            reverse("performance:data-return-detail", args=[data_return.pk])), {200})
        timed("Data return: template spreadsheet", lambda: client.get(
            reverse("performance:data-return-template", args=[data_return.pk])), {200})
        timed("Data return: template CSV", lambda: client.get(
            reverse("performance:data-return-template-csv", args=[data_return.pk])), {200})
        column = [c.key for c in perf_sheets.COLUMNS].index("commentary") + 1
        book = largest_workbook(perf_sheets.template_workbook(data_return), sheet=perf_sheets.SHEET,
                                first_row=perf_sheets.FIRST_DATA_ROW, data_rows=perf_sheets.MAX_DATA_ROWS,
                                fill={column: COMMENTARY_MAX}, max_unzipped=perf_sheets.MAX_UNZIPPED_BYTES)
        what = (f"Data return, largest workbook ({perf_sheets.MAX_DATA_ROWS} rows × {FILL_COLUMNS} columns, "
                f"{len(book) / 2**20:.1f} MB, {unzipped(book) / 2**20:.1f} MB unzipped)")
        upload = timed(f"{what}: upload", lambda: client.post(
            reverse("performance:data-return-upload", args=[data_return.pk]),
            {"file": SimpleUploadedFile("data-return.xlsx", book)}), {302})
        if upload.status_code == 302:
            timed(f"{what}: preview", lambda: client.get(upload["Location"]), {200})
            timed(f"{what}: preview reloaded", lambda: client.get(upload["Location"]), {200})

    # 4. The largest exports an agency user can ask for in a request.
    timed("Actions, every one the user may see: CSV", lambda: client.get(
        reverse("partnership:action-export")), {200})
    return rows


def input_lines(rows: list[dict] | None) -> list[str]:
    if not rows:
        return []
    lines = ["", f"## The worst inputs an agency user can send, within the caps (goal: no request over "
             f"{GOAL_S:.0f} s of server time)", "",
             "| Request | status | server s | CPU s | response KiB | goal met |", "|---|---:|---:|---:|---:|---|"]
    for row in rows:
        lines.append(f"| {row['case']} | {row['status']} | {row['wall']:.2f} | {row['cpu']:.2f} | "
                     f"{row['bytes'] / 1024:,.0f} | {'yes' if row['met'] else '**no**'} |")
    return lines


# --- the hooks scripts/bench.py calls ----------------------------------------------------------------------
def bench_run(results: dict, period: str, runs: int) -> None:
    """At the end of `make bench`'s run, on the large partnership: the pack's shape, then the worst inputs (last:
    they lengthen the police's answers and commentary)."""
    print(f"Board pack's shape {period}, large partnership...", flush=True)
    results["pack"] = measure_pack(period, runs)
    print("The worst inputs an agency user can send, within the caps...", flush=True)
    results["inputs"] = measure_inputs()


def bench_lines(results: dict) -> list[str]:
    return (pack_lines(results["pack"]) if results.get("pack") else []) + input_lines(results.get("inputs"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", action="store_true")
    parser.add_argument("--pack-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--inputs", action="store_true")
    parser.add_argument("--period", default="")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--root", type=Path, default=HERE.parent.parent)
    args = parser.parse_args()
    _setup(args.root)
    if not args.period:
        from django.utils import timezone

        from partnership.dates import Quarter

        args.period = Quarter.containing(timezone.localdate()).previous().code
    if args.pack_child:
        pack_child(args.period, args.runs)
    elif args.pack:
        pack = measure_pack(args.period, args.runs, args.root)
        print(json.dumps(pack))
        print("\n".join(pack_lines(pack)))
    elif args.inputs:
        rows = measure_inputs()
        print("\n".join(input_lines(rows)))
    else:
        parser.error("--pack or --inputs")


if __name__ == "__main__":
    main()
