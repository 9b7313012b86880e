"""Load the kernel's reference data from YAML: journey stages, frameworks and criteria, priorities.

Idempotent: run it as often as you like; records are matched by code and updated.
"""
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from partnership.models import Criterion, Framework, JourneyStage, Priority
from partnership.reference_files import read_yaml

REFERENCE = Path(__file__).resolve().parents[2] / "reference"


def _load(name: str):
    return read_yaml(REFERENCE / name)


class Command(BaseCommand):
    help = "Load journey stages, inspection/guidance frameworks and partnership priorities from YAML."

    @transaction.atomic
    def handle(self, *args, **options):
        for order, stage in enumerate(_load("journey.yaml"), start=1):
            JourneyStage.objects.update_or_create(
                code=stage["code"],
                defaults={"name": stage["name"], "description": stage.get("description", ""), "order": order},
            )
        for order, fw in enumerate(_load("frameworks.yaml"), start=1):
            framework, _ = Framework.objects.update_or_create(
                code=fw["code"],
                defaults={"name": fw["name"], "kind": fw["kind"], "version": str(fw.get("version", "")),
                          "grades": fw.get("grades", []), "description": fw.get("description", ""),
                          "order": order},
            )
            by_code = {}
            for c_order, crit in enumerate(fw["criteria"], start=1):
                criterion, _ = Criterion.objects.update_or_create(
                    framework=framework, code=str(crit["code"]),
                    defaults={"name": crit["name"], "order": c_order,
                              "parent": by_code.get(crit.get("parent"))},
                )
                by_code[criterion.code] = criterion
        for pri in _load("priorities.yaml"):
            Priority.objects.update_or_create(
                code=pri["code"],
                defaults={"title": pri["title"], "description": pri.get("description", ""),
                          "start_date": pri["start_date"], "end_date": pri.get("end_date"),
                          "order": pri.get("order", 0)},
            )
        self.stdout.write(self.style.SUCCESS(
            f"Reference data loaded: {JourneyStage.objects.count()} journey stages, "
            f"{Framework.objects.count()} frameworks, {Criterion.objects.count()} criteria, "
            f"{Priority.objects.count()} priorities."
        ))
