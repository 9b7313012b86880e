"""Every list page `make bench` measures (scripts/bench_pages.py) shows its rows a page at a time, at most as many
as the admin's changelist (LIST_PAGE_SIZE, 100), with the GOV.UK pagination under them; its filters stay in the
page links and its downloads keep every row (issue 21, item 5: many partnerships on one service).

The list is not kept by hand: a page added to the benchmark's table is checked here, and fails until it paginates
or NOT_PAGINATED says why it need not. The demo data is enough: the page size is shrunk to 2 for the test, so
every paginated page has a second page to open.
"""
import csv
import importlib.util
import io
import re
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from django.core.management import call_command
from django.core.paginator import Page
from django.test import Client

from partnership.models import User
from partnership.views import mixins

BENCH_PAGES = Path(__file__).resolve().parent.parent / "scripts" / "bench_pages.py"
SMALL = 2  # rows a page during the test

# Pages of the table that show every row, and why that is right (or whose page it is to change).
NOT_PAGINATED = {
    "Audits: programmes": "the programme years, each with its audits: a year's audits are a few dozen",
    "Audits: programme 2025-26": "one year's audits: a few dozen",
    "Audits: audit page": "one audit's cases and agencies: a handful",
    "Reviews: clocks (home)": "the open statutory clocks, breaches first: every one is work due",
    "Agency profile: police": "one agency's facts",
    "Priorities: progress": "the partnership's few priorities",
    "Statutory duties": "the register of the partnership's duties: a fixed list",
    "Meetings: subgroups": "the partnership's few subgroups",
    "Meetings: QA subgroup": "one subgroup's meetings",
}
# Paginated pages whose other tables are figures of every row (not counted as rows shown), and why.
WHOLE_FIGURES = {
    "Priority progress: first priority": "its records and actions are paged, each list on its own; its table of "
                                         "sources is the whole priority's, one row a source (a handful)",
    "Section 11 cycle analysis": "its agencies' rows (heat map, comparison by agency) are paged; its tables by "
                                 "status, standard and criterion are the whole cycle's figures",
}
TBODY = re.compile(r"<tbody.*?</tbody>", re.S)
BODY_ROW = re.compile(r'<tr class="govuk-table__row"')
NAV = re.compile(r'<nav class="govuk-pagination" aria-label="[^"]+">(.*?)</nav>', re.S)
DOWNLOAD = re.compile(r'href="([^"]+)"[^>]*>Download[^<]*\(CSV\)')
NAV_LINK = re.compile(r'href="\?([^"#]*)')


def page_params(nav: str) -> set[str]:
    """The query names a pagination's links vary: its page number's name (`page`, or another for a page's second
    list)."""
    seen: dict[str, set[str]] = {}
    for query in NAV_LINK.findall(nav):
        for name, value in parse_qsl(query.replace("&amp;", "&")):
            seen.setdefault(name, set()).add(value)
    return {name for name, values in seen.items() if len(values) > 1}


def bench_pages():
    spec = importlib.util.spec_from_file_location("bench_pages", BENCH_PAGES)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.bench_pages()


def body_rows(html: str) -> int:
    return sum(len(BODY_ROW.findall(body)) for body in TBODY.findall(html))


@pytest.mark.django_db
@pytest.mark.timeout(900)  # the demo data, then each list page three times
def test_every_list_page_shows_a_page_of_rows_with_pagination_and_downloads_every_row(settings, monkeypatch):
    settings.DEBUG = True  # the demo command refuses to run otherwise
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("seed_demo", stdout=io.StringIO())
    assert mixins.LIST_PAGE_SIZE == 100  # as the admin's changelist
    monkeypatch.setattr(mixins, "LIST_PAGE_SIZE", SMALL)
    pages = [page for page in bench_pages() if page[3] is not None]  # the dashboards have no rows to page
    # The benchmark's addresses carry no filter, so one page is also opened filtered: its next link must keep it.
    pages += [(f"{name} (filtered)", email, f"{url}?frequency=quarterly", peer) for name, email, url, peer in pages
              if name == "Performance scorecard"]
    assert set(NOT_PAGINATED) <= {name for name, *_ in pages}, "NOT_PAGINATED names a page the benchmark dropped"
    clients, problems, paged, filtered, two_lists = {}, [], [], [], []
    for name, email, url, _peer in pages:
        if name in NOT_PAGINATED:
            continue
        if email not in clients:
            clients[email] = Client()
            clients[email].force_login(User.objects.get(email=email))
        client = clients[email]
        response = client.get(url)
        page = response.context.get("page") if response.status_code == 200 else None
        if not isinstance(page, Page):
            problems.append(f"{name} ({url}): no page of rows ({response.status_code}); paginate it with "
                            "partnership.views.mixins.list_page, or say in NOT_PAGINATED why not")
            continue
        html = response.content.decode()
        per_page = page.paginator.per_page
        if per_page > 100 or (name not in WHOLE_FIGURES and body_rows(html) > per_page):
            problems.append(f"{name}: {body_rows(html)} rows shown, {per_page} a page")
        if page.paginator.num_pages == 1:
            continue
        paged.append(name)
        navs = [page_params(found) for found in NAV.findall(html)]
        shared = set.intersection(*navs) if len(navs) > 1 else set()
        if len(navs) > 1:
            two_lists.append(name)
        if shared:  # two lists on one page, one number: moving one moves the other
            problems.append(f"{name}: {len(navs)} paginations share ?{'/'.join(sorted(shared))}=; give each list "
                            "its own (list_page's and the pagination include's `param`)")
        nav = NAV.search(html)
        if nav is None or 'aria-current="page"' not in nav.group(1) or 'rel="next"' not in nav.group(1):
            problems.append(f"{name}: {page.paginator.count} rows over {page.paginator.num_pages} pages, but no "
                            "pagination with the current page and a next link")
            continue
        second = re.search(r'href="([^"#]*)[^"]*" rel="next"', nav.group(1)).group(1).replace("&amp;", "&")
        query = url.split("?")[1] if "?" in url else ""
        if query:
            filtered.append(name)
            if query not in second:
                problems.append(f"{name}: the next page's link {second} drops the filters {query}")
        response2 = client.get(url.split("?")[0] + second)
        if response2.status_code != 200 or response2.context["page"].number != 2 or not body_rows(
                response2.content.decode()) or response2.content == response.content:
            problems.append(f"{name}: its second page ({second}) does not show the next rows")
        for link in DOWNLOAD.findall(html):  # a download has every row, not the page's
            download = client.get(link.replace("&amp;", "&"))
            data = b"".join(download.streaming_content) if download.streaming else download.content
            lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
            if len(lines) - 1 < page.paginator.count:
                problems.append(f"{name}: {link} has {len(lines) - 1} rows of {page.paginator.count}")
    assert not problems, "List pages that show too many rows or paginate wrongly:\n" + "\n".join(problems)
    # The shrunk size gives every paginated page of the demo a second page (else this test proves little).
    assert len(paged) >= 6, f"only {paged} had a second page on the demo data"
    assert filtered, "no filtered page had a second page: the filters-kept check above proved nothing"
    assert two_lists, "no page had two paginated lists: the one-number-each check above proved nothing"
