"""The house's arrows, read from the source (docs/architecture.md, "The house").

Every import in every module is read with `ast`, function-level imports included, so a dependency cannot hide
in a function body:
- the kernel (`partnership`) imports neither the composition root nor a domain app;
- a domain app imports no other domain app and not the composition root;
- inside an app, no two modules import each other, directly or round a longer ring;
- no module is over 600 lines;
- no service takes a form: services take keyword arguments (the cleaned values and the instance);
- calendar arithmetic (working days, months, quarters, financial years) is done in `partnership/dates.py` only.
- no view reads `Model.objects`: reads live in the apps' selectors (a lookup by key stays in the view).
A new module is covered without being listed.
"""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "partnership"
COMPOSITION_ROOT = "merton_qa"
DOMAIN_APPS = ("section11", "audits", "performance", "reviews", "learning")
MAX_LINES = 600


def _modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue  # migrations name other apps' models by string, as Django writes them
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        yield name.removesuffix(".__init__"), path


def _imports(name: str, path: Path) -> set[str]:
    """Every module `name` imports, resolved to dotted names (relative imports included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)  # `from . import views`
    return found


def _top(module: str) -> str:
    return module.split(".")[0]


@pytest.mark.parametrize("package", [KERNEL, *DOMAIN_APPS])
def test_arrows_point_down(package):
    forbidden = {COMPOSITION_ROOT, *DOMAIN_APPS} - {package}
    upward = sorted(
        f"{name} imports {module}"
        for name, path in _modules(package)
        for module in _imports(name, path)
        if _top(module) in forbidden
    )
    assert not upward, "imports that point up or across (docs/architecture.md):\n" + "\n".join(upward)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected rings of more than one module (Tarjan)."""
    index, low, stack, on_stack, rings = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            ring = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                ring.append(member)
                if member == node:
                    break
            if len(ring) > 1:
                rings.append(sorted(ring))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return rings


def _package_of(module: str, known: set[str]) -> str | None:
    """The module `module` names, or the package it is in (`x.models.Foo` -> `x.models`)."""
    while module and module not in known:
        module = module.rpartition(".")[0]
    return module or None


@pytest.mark.parametrize("package", [KERNEL, COMPOSITION_ROOT, *DOMAIN_APPS])
def test_no_module_ring_inside_an_app(package):
    modules = dict(_modules(package))
    known = set(modules)
    graph = {}
    for name, path in modules.items():
        targets = {_package_of(m, known) for m in _imports(name, path) if _top(m) == package}
        # a package's __init__ re-exporting its submodules is not a ring of the submodules with the package
        graph[name] = {t for t in targets if t and t != name and not t.startswith(name + ".")
                       and not name.startswith(t + ".")}
    rings = _cycles(graph)
    assert not rings, "modules that import each other:\n" + "\n".join(" <-> ".join(r) for r in rings)


def test_no_module_over_the_limit():
    long = sorted(
        f"{path.relative_to(ROOT)}: {n} lines"
        for package in (KERNEL, COMPOSITION_ROOT, *DOMAIN_APPS, "tests", "scripts")
        for _, path in _modules(package)
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    )
    assert not long, f"modules over {MAX_LINES} lines:\n" + "\n".join(long)


def _url_confs():
    return sorted(p for p in ROOT.glob("*/**/urls.py") if ".venv" not in p.parts and "scripts" not in p.parts)


@pytest.mark.parametrize("conf", _url_confs(), ids=lambda p: str(p.relative_to(ROOT)))
def test_one_url_convention(conf):
    """Routes are declared beside their views: each views module has its own `urlpatterns`, and a urls.py only
    joins them (`*module.urlpatterns`) and includes other URL confs (the root also the admin): a `path()` in a
    urls.py that names a view is the other convention coming back."""
    tree = ast.parse(conf.read_text(encoding="utf-8"))
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) in ("path", "re_path"):
            target = call.args[1] if len(call.args) > 1 else None
            included = isinstance(target, ast.Call) and getattr(target.func, "id", None) == "include"
            admin = ast.unparse(target) == "admin.site.urls" if target is not None else False
            assert included or admin, (f"{conf.relative_to(ROOT)} line {call.lineno} routes to a view: declare the "
                                       "pattern in the view's module's `urlpatterns` and join it here")


FORM_WORDS = ("cleaned_data", "save_m2m", "is_valid")


def test_services_take_values_not_forms():
    """Every service takes keyword arguments, the cleaned values and the instance, never a form (docs/architecture.md,
    "Where each kind of code lives"): it can then be called from a task, a command or a test as from a view, and
    a view cannot hand it more than the form's cleaned pieces."""
    found = []
    for package in (KERNEL, COMPOSITION_ROOT, *DOMAIN_APPS):
        for name, path in _modules(package):
            if "services" not in name.split("."):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    args = node.args
                    for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
                        annotation = ast.unparse(arg.annotation) if arg.annotation else ""
                        if arg.arg in ("form", "formset") or annotation.endswith(("Form", "FormSet")):
                            found.append(f"{name}.{node.name} takes {arg.arg}")
                elif isinstance(node, ast.Attribute) and node.attr in FORM_WORDS:
                    found.append(f"{name} line {node.lineno} reads a form's .{node.attr}")
    assert not found, "services taking forms:\n" + "\n".join(found)


def _is_status(node) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) and node.value.attr == "Status"


def test_status_sets_are_named_once_on_their_model():
    """A set of statuses that means something ("work done", "frozen", "open") is named once, on its model
    (`Action.WORK_DONE`, `Return.FINISHED`), and asked by that name; outside the models no code spells such a set out
    or compares a status with a string (templates: tests/partnership/test_status_tags.py). The demos' story paths
    (a record's statuses in the order it went through them) are data, not rules."""
    found = []
    for package in (KERNEL, COMPOSITION_ROOT, *DOMAIN_APPS):
        for name, path in _modules(package):
            parts = name.split(".")
            if "models" in parts or "migrations" in parts or parts[-1].startswith(("demo", "seed_")):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Tuple | ast.List | ast.Set) and len(node.elts) > 1 and all(
                        _is_status(e) for e in node.elts):
                    found.append(f"{name} line {node.lineno}: {ast.unparse(node)}")
                elif isinstance(node, ast.keyword) and (node.arg or "").endswith(("status", "status__in")) and any(
                        isinstance(e, ast.Constant) and isinstance(e.value, str)
                        for e in (node.value.elts if isinstance(node.value, ast.Tuple | ast.List | ast.Set)
                                  else [node.value])):
                    found.append(f"{name} line {node.lineno}: {ast.unparse(node)}")
                elif (isinstance(node, ast.Compare) and ast.unparse(node.left).endswith(".status")
                      and any(isinstance(c, ast.Constant) and isinstance(c.value, str) for c in node.comparators)):
                    found.append(f"{name} line {node.lineno}: {ast.unparse(node)}")
    assert not found, "status sets spelt out (name them on the model):\n" + "\n".join(found)


DATES_MODULE = "partnership.dates"
# What gives calendar arithmetic away in source: month numbers wrapped round the year, a month's length, the bank
# holiday calendar, a financial year's short label, or a function named for one of those sums.
DATE_SUMS = (
    re.compile(r"month\b[^\n#]*(%|//) ?12\b"),
    re.compile(r"\bmonthrange\b"),
    re.compile(r"^\s*(import holidays|from holidays import)", re.M),
    re.compile(r"\+ 1\)? % 100:02d|\+ 1\)\)?\[-2:\]"),
)
DATE_FUNCTIONS = re.compile(r"^_?(add_months|month_end|add_working_days|working_days_(between|left|late)|quarter_of)")


def test_dates_are_worked_out_in_one_module():
    """Working days, months, quarters and financial years are worked out in `partnership/dates.py` alone
    (docs/architecture.md): two copies of "add a month" once meant two answers for the same deadline."""
    found = []
    for package in (KERNEL, COMPOSITION_ROOT, *DOMAIN_APPS, "scripts"):
        for name, path in _modules(package):
            if name == DATES_MODULE:
                continue
            text = path.read_text(encoding="utf-8")
            found += [f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0).strip()}"
                      for pattern in DATE_SUMS for m in pattern.finditer(text)]
            found += [f"{path.relative_to(ROOT)}:{node.lineno}: def {node.name}"
                      for node in ast.walk(ast.parse(text))
                      if isinstance(node, ast.FunctionDef) and DATE_FUNCTIONS.match(node.name)]
    assert not found, f"calendar arithmetic outside {DATES_MODULE}:\n" + "\n".join(found)


def _views_modules(package):
    """Every module of `package` that holds views: in a `views` package, or named `views` or `..._views`."""
    for name, path in _modules(package):
        parts = name.split(".")
        if "views" in parts or parts[-1].endswith("_views"):
            yield path


def _view_reads(path: Path) -> list[tuple[int, str]]:
    """Every `Model.objects` (or `_default_manager`) a views module names, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sorted((node.lineno, ast.unparse(node)) for node in ast.walk(tree)
                  if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager"))


@pytest.mark.parametrize("package", [KERNEL, COMPOSITION_ROOT, *DOMAIN_APPS])
def test_views_read_through_selectors(package):
    """A view asks its app's selectors (`<app>/selectors.py`, or a QuerySet method on the model the selector calls) for
    what it shows, never `Model.objects` itself (docs/architecture.md, "Where reads live"): the read a page needs, with
    its select_related/prefetch, is named once and shared by the views, the dashboard, the digest and the reports. A
    lookup by key, `get_object_or_404(Model, pk=...)` or `get_list_or_404(Model, ...)`, stays in the view."""
    modules = list(_views_modules(package))
    assert modules, f"no views module found in {package}"
    found = [f"{path.relative_to(ROOT)} line {line}: {text}" for path in modules for line, text in _view_reads(path)]
    assert not found, "views reading Model.objects (ask the app's selectors):\n" + "\n".join(found)


# Who an agency's leads are (the people the partnership writes to for it) is one rule, `partnership.selectors.
# agency_leads`: a module that filters accounts by agency and the lead role spells it again.
AGENCY_LEADS_SPELT = re.compile(r"filter\((?=[^)]*\bagency_id\b)(?=[^)]*roles__role=Role\.AGENCY_LEAD)[^)]*\)")


def test_agency_leads_are_read_by_the_one_rule():
    spelt = []
    for package in (KERNEL, COMPOSITION_ROOT, *DOMAIN_APPS):
        for _, path in _modules(package):
            if path == ROOT / KERNEL / "selectors.py":
                continue
            source = path.read_text()
            spelt += [f"{path.relative_to(ROOT)}: {m.group(0)[:80]}" for m in AGENCY_LEADS_SPELT.finditer(source)]
    assert not spelt, "read an agency's leads with partnership.selectors.agency_leads:\n" + "\n".join(spelt)


def test_the_agency_leads_check_finds_a_spelling():
    assert AGENCY_LEADS_SPELT.search('User.objects.filter(agency_id=a, is_active=True,\n roles__role=Role.AGENCY_LEAD)')
    assert not AGENCY_LEADS_SPELT.search("User.objects.filter(roles__role=Role.AGENCY_LEAD).values_list('agency_id')")


def _found(pattern: re.Pattern, paths) -> list[str]:
    return [f"{path.relative_to(ROOT)}: {m.group(0)}" for path in paths for m in pattern.finditer(path.read_text())]


def _app_modules() -> list[Path]:
    return [path for package in (KERNEL, COMPOSITION_ROOT, *DOMAIN_APPS) for _, path in _modules(package)]


# A date in words is "4 May 2026" (GOV.UK style), never "04 May 2026": the `date` filter's `d` pads the day with a
# zero. Every template is read, so a new page or email is covered unlisted (code is held by the one rule below).
ZERO_PADDED_DAY = re.compile(r"%d %[bB]|\|date:\"[^\"]*\bd [FMbN]")


def test_no_date_in_words_has_a_zero_padded_day():
    found = _found(ZERO_PADDED_DAY, sorted((ROOT / "templates").rglob("*.*")))
    assert not found, "write the day without a leading zero (the date filter's j):\n" + "\n".join(found)


# A day in words in code is written by one rule, `partnership.dates.day_words` (or `moment_words` with the time,
# `short_day_words` without the year): strftime's spelling padded the day with a zero in nine places, its month is
# the machine's locale's, and 47 modules each spelt the format out. Templates use the date filter's "j F Y".
DAY_BY_STRFTIME = re.compile(r"%-?d %[bB]")


def test_days_in_words_are_written_by_the_one_rule():
    found = _found(DAY_BY_STRFTIME, _app_modules())
    assert not found, "write a day in words with partnership.dates.day_words (or moment_words):\n" + "\n".join(found)


def test_the_strftime_day_check_finds_one():
    assert DAY_BY_STRFTIME.search('f"due by {day:%-d %B %Y}"') and DAY_BY_STRFTIME.search('strftime("%d %b")')
    assert not DAY_BY_STRFTIME.search('f"due by {day_words(day)}"')


def test_the_zero_padded_day_check_finds_one():
    assert ZERO_PADDED_DAY.search('f"due by {day:%d %B %Y}"') and ZERO_PADDED_DAY.search('{{ d|date:"d F Y" }}')
    assert not ZERO_PADDED_DAY.search('f"due by {day:%-d %B %Y}"')
    assert not ZERO_PADDED_DAY.search('{{ d|date:"j F Y" }}')
