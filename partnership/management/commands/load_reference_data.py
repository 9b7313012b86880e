"""Load the kernel's reference data from YAML: journey stages, frameworks and criteria, priorities, statutory duties.

Idempotent: run it as often as you like; records are matched by code and updated (a duty's dates and evidence,
kept by the business unit in the admin, are left alone).
"""
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from partnership.models import Duty, InspectionCriterion, InspectionFramework, JourneyStage, Priority
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
            framework, _ = InspectionFramework.objects.update_or_create(
                code=fw["code"],
                defaults={"name": fw["name"], "kind": fw["kind"], "version": str(fw.get("version", "")),
                          "grades": fw.get("grades", []), "description": fw.get("description", ""),
                          "order": order},
            )
            by_code = {}
            for c_order, crit in enumerate(fw["criteria"], start=1):
                criterion, _ = InspectionCriterion.objects.update_or_create(
                    framework=framework, code=str(crit["code"]),
                    defaults={"name": crit["name"], "order": c_order,
                              "parent": by_code.get(crit.get("parent"))},
                )
                by_code[criterion.code] = criterion
        stages = {stage.code: stage for stage in JourneyStage.objects.all()}
        for pri in _load("priorities.yaml"):
            priority, _ = Priority.objects.update_or_create(
                code=pri["code"],
                defaults={"title": pri["title"], "description": pri.get("description", ""),
                          "start_date": pri["start_date"], "end_date": pri.get("end_date"),
                          "order": pri.get("order", 0)},
            )
            if "journey_stages" in pri:
                priority.journey_stages.set([stages[code] for code in pri["journey_stages"]])
        for order, duty in enumerate(_load("duties.yaml"), start=1):
            found = Duty.objects.filter(code=duty["code"]).first() or Duty(code=duty["code"])
            values = {"title": duty["title"], "reference": duty.get("reference", ""), "rule": duty["rule"],
                      "check_name": duty["check"], "parameters": duty.get("parameters") or {}, "order": order}
            if found.pk is None or any(getattr(found, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(found, name, value)
                found.save()  # through save(): the register keeps its history
        self.stdout.write(self.style.SUCCESS(
            f"Reference data loaded: {JourneyStage.objects.count()} journey stages, "
            f"{InspectionFramework.objects.count()} frameworks, {InspectionCriterion.objects.count()} criteria, "
            f"{Priority.objects.count()} priorities, {Duty.objects.count()} statutory duties."
        ))
