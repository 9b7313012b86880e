"""The journey stages and inspection criteria a reference file (indicators, Section 11 frameworks) may name: read
once per load, each looked up with a refusal that says what is known and where it is defined."""
from django.core.management.base import CommandError

from .models import InspectionCriterion, JourneyStage


class Taxonomy:
    def __init__(self):
        self.stages = {s.code: s for s in JourneyStage.objects.all()}
        self.inspection = {(c.framework.code, c.code): c
                           for c in InspectionCriterion.objects.select_related("framework")}

    def stage(self, code, where: str) -> JourneyStage:
        try:
            return self.stages[code]
        except (KeyError, TypeError):
            raise CommandError(
                f"{where}: unknown journey stage '{code}'. Known stages (partnership/reference/journey.yaml): "
                f"{', '.join(sorted(self.stages))}."
            ) from None

    def criterion(self, ref, where: str) -> InspectionCriterion:
        framework, _, code = str(ref).partition(":")
        try:
            return self.inspection[(framework.strip(), code.strip())]
        except KeyError:
            frameworks = sorted({fw for fw, _ in self.inspection})
            raise CommandError(
                f"{where}: unknown inspection criterion '{ref}'. Use 'framework:code' as listed in "
                f"partnership/reference/frameworks.yaml (frameworks: {', '.join(frameworks)}), and check "
                "that the reference data loaded."
            ) from None
