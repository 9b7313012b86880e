"""Load multi-agency audit tools (domains, prompts and the grading scale) from audits/tools/*.yaml.

Idempotent: tools are matched by (slug, version), domains by (tool, code), grades by (tool, code). A code used
twice in a file is refused, and so is any change to the grades or domains of a tool version that audits use.

    manage.py load_audit_tools                    # every file in audits/tools/
    manage.py load_audit_tools path/to/tool.yaml
"""
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audits.models import AuditTool, Grade, ToolDomain
from partnership.reference_files import read_yaml, whole_number

TOOLS_DIR = Path(__file__).resolve().parents[2] / "tools"
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def _text(item, key, where, required=True, max_length=None) -> str:
    value = item.get(key) if isinstance(item, dict) else None
    if value is None:
        if required:
            raise CommandError(f"{where}: '{key}' is missing.")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int) or len(repr(value)) > 20_000:
        raise CommandError(f"{where}: '{key}' must be text; put it in quotes (got {repr(value)[:40]}).")
    text = str(value).strip()
    if max_length and len(text) > max_length:
        raise CommandError(f"{where}: '{key}' is {len(text)} characters; at most {max_length}.")
    return text


def _code(item, where, max_length) -> str:
    code = _text(item, "code", where, max_length=max_length)
    if not SLUG.fullmatch(code):
        raise CommandError(f"{where}: 'code' may hold only letters, digits, hyphens and underscores (got {code!r}).")
    return code


def _unique(items: list[dict], where: str, kind: str) -> None:
    seen = set()
    for item in items:
        if item["code"] in seen:
            raise CommandError(f"{where}: the {kind} code '{item['code']}' is used twice; each {kind} needs its own "
                               "code.")
        seen.add(item["code"])


def _parse(path: Path) -> dict:
    data = read_yaml(path)
    where = path.name
    if not isinstance(data, dict):
        raise CommandError(f"{where}: expected a mapping at the top.")
    grades, domains = data.get("grades") or [], data.get("domains") or []
    if not isinstance(grades, list) or not isinstance(domains, list) or not grades or not domains:
        raise CommandError(f"{where}: a tool needs 'grades' and 'domains' lists.")
    if sum(1 for d in domains if isinstance(d, dict) and d.get("overall")) != 1:
        raise CommandError(f"{where}: exactly one domain must be marked 'overall: true'.")
    parsed_grades, parsed_domains = [], []
    for order, item in enumerate(grades):
        w = f"{where}, grade {order + 1}"
        if not isinstance(item, dict):
            raise CommandError(f"{w}: expected a mapping with 'code', 'label' and 'score'.")
        parsed_grades.append({
            "code": _code(item, w, 40), "label": _text(item, "label", w, max_length=80),
            "score": whole_number(item.get("score"), w, "score", high=100), "order": order,
            "good_or_better": bool(item.get("good_or_better")),
            "description": _text(item, "description", w, False, max_length=5000)})
    for order, item in enumerate(domains):
        w = f"{where}, domain {order + 1}"
        if not isinstance(item, dict):
            raise CommandError(f"{w}: expected a mapping with 'code' and 'title'.")
        prompts = item.get("prompts") or []
        if not isinstance(prompts, list) or not all(isinstance(p, str | int) and not isinstance(p, bool)
                                                    for p in prompts):
            raise CommandError(f"{w}: 'prompts' must be a list of lines of text.")
        parsed_domains.append({
            "code": _code(item, w, 60), "title": _text(item, "title", w, max_length=200), "order": order,
            "is_overall": bool(item.get("overall")), "prompts": "\n".join(str(p).strip() for p in prompts)[:20_000]})
    _unique(parsed_grades, where, "grade")
    _unique(parsed_domains, where, "domain")
    return {"slug": _text(data, "slug", where, max_length=60), "version": _text(data, "version", where, max_length=20),
            "name": _text(data, "name", where, max_length=200),
            "description": _text(data, "description", where, False, max_length=5000),
            "grades": parsed_grades, "domains": parsed_domains}


def _as_loaded(tool: AuditTool) -> tuple[list[dict], list[dict]]:
    grades = list(tool.grades.order_by("order", "pk").values("code", "label", "score", "order", "good_or_better",
                                                              "description"))
    domains = list(tool.domains.order_by("order", "pk").values("code", "title", "order", "is_overall", "prompts"))
    return grades, domains


@transaction.atomic
def load_tool(path: Path) -> AuditTool:
    """Load one tool file. A tool version that audits use never changes its grades or domains (their grades
    would change meaning): a changed tool needs a new version, which is a new tool."""
    parsed = _parse(path)
    tool = AuditTool.objects.filter(slug=parsed["slug"], version=parsed["version"]).first()
    if tool is not None and tool.audits.exists():
        if _as_loaded(tool) != (parsed["grades"], parsed["domains"]):
            raise CommandError(
                f"{path.name}: {tool} is used by {tool.audits.count()} audit(s), so its grades and domains cannot "
                "change. Give the changed tool a new 'version'; audits keep the version they were graded with.")
    tool, _ = AuditTool.objects.update_or_create(slug=parsed["slug"], version=parsed["version"], defaults={
        "name": parsed["name"], "description": parsed["description"]})
    for item in parsed["grades"]:
        Grade.objects.update_or_create(tool=tool, code=item["code"],
                                       defaults={k: v for k, v in item.items() if k != "code"})
    for item in parsed["domains"]:
        ToolDomain.objects.update_or_create(tool=tool, code=item["code"],
                                            defaults={k: v for k, v in item.items() if k != "code"})
    return tool


class Command(BaseCommand):
    help = "Load multi-agency audit tools from YAML (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Tool files (default: every file in audits/tools/).")

    def handle(self, *args, **options):
        paths = [Path(p) for p in options["paths"]] or sorted(TOOLS_DIR.glob("*.yaml"))
        for path in paths:
            tool = load_tool(path)
            self.stdout.write(f"Audit tool loaded: {tool} ({tool.domains.count()} domains, "
                              f"{tool.grades.count()} grades)")
