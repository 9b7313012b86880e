"""Load multi-agency audit tools (domains, prompts and the grading scale) from audits/tools/*.yaml.

Idempotent: tools are matched by (slug, version), domains by (tool, code), grades by (tool, code).

    manage.py load_audit_tools                    # every file in audits/tools/
    manage.py load_audit_tools path/to/tool.yaml
"""
from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audits.models import AuditTool, Grade, ToolDomain

TOOLS_DIR = Path(__file__).resolve().parents[2] / "tools"


def _text(item, key, where, required=True) -> str:
    value = item.get(key) if isinstance(item, dict) else None
    if value is None:
        if required:
            raise CommandError(f"{where}: '{key}' is missing.")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise CommandError(f"{where}: '{key}' must be text; put it in quotes (got {value!r}).")
    return str(value).strip()


@transaction.atomic
def load_tool(path: Path) -> AuditTool:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CommandError(f"{path}: cannot read the tool ({exc}).") from exc
    where = path.name
    if not isinstance(data, dict):
        raise CommandError(f"{where}: expected a mapping at the top.")
    tool, _ = AuditTool.objects.update_or_create(
        slug=_text(data, "slug", where), version=_text(data, "version", where),
        defaults={"name": _text(data, "name", where), "description": _text(data, "description", where, False)},
    )
    grades, domains = data.get("grades") or [], data.get("domains") or []
    if not grades or not domains:
        raise CommandError(f"{where}: a tool needs 'grades' and 'domains'.")
    if sum(1 for d in domains if isinstance(d, dict) and d.get("overall")) != 1:
        raise CommandError(f"{where}: exactly one domain must be marked 'overall: true'.")
    for order, item in enumerate(grades):
        w = f"{where}, grade {order + 1}"
        score = item.get("score")
        if not isinstance(score, int) or isinstance(score, bool):
            raise CommandError(f"{w}: 'score' must be a whole number.")
        Grade.objects.update_or_create(tool=tool, code=_text(item, "code", w), defaults={
            "label": _text(item, "label", w), "score": score, "order": order,
            "good_or_better": bool(item.get("good_or_better")), "description": _text(item, "description", w, False),
        })
    for order, item in enumerate(domains):
        w = f"{where}, domain {order + 1}"
        prompts = item.get("prompts") or []
        if not isinstance(prompts, list):
            raise CommandError(f"{w}: 'prompts' must be a list.")
        ToolDomain.objects.update_or_create(tool=tool, code=_text(item, "code", w), defaults={
            "title": _text(item, "title", w), "order": order, "is_overall": bool(item.get("overall")),
            "prompts": "\n".join(str(p).strip() for p in prompts),
        })
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
