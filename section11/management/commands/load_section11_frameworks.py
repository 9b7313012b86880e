"""Load Section 11 rating scales and frameworks (templates of standards and criteria) from YAML.

Templates are data the partnership can edit: `section11/frameworks/scales.yaml` holds the rating
scales and every other `*.yaml` there holds one framework version. See the comments at the top of
those files for the keys.

Idempotent: run it as often as you like. Scales are matched by code, levels by (scale, code),
frameworks by (code, version), standards by (framework, number) and criteria by (standard, code).
Reference data (journey stages, inspection criteria) is loaded first, so it works on a fresh
database. Standards, criteria and levels removed from the YAML are deleted unless answers refer to
them, in which case they are left alone and a warning is printed.

    manage.py load_section11_frameworks                      # scales.yaml + every framework file
    manage.py load_section11_frameworks path/to/my-template.yaml
"""
from collections import Counter
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from partnership.reference_files import a_list, read_yaml, text, whole_number, yaml_files
from partnership.taxonomy_lookup import Taxonomy
from section11.models import Answer, Criterion, Framework, RatingLevel, RatingScale, Standard

FRAMEWORKS_DIR = Path(__file__).resolve().parents[2] / "frameworks"
SCALES_FILE = FRAMEWORKS_DIR / "scales.yaml"


def _read(path: Path):
    return read_yaml(path)


def _str(item: dict, key: str, where: str, *, model=None, required: bool = True, default: str = "") -> str:
    """A text value (`partnership.reference_files.text`), no longer than the model's field."""
    max_length = model._meta.get_field(key).max_length if model is not None else None
    return text(item, key, where, required=required, default=default, max_length=max_length)


def _int(item: dict, key: str, where: str, default: int | None = None) -> int:
    return whole_number(item.get(key, default), where, key)


class Command(BaseCommand):
    help = ("Load Section 11 rating scales and frameworks from YAML (section11/frameworks/, or the files "
            "given). Loads the reference data first. Idempotent.")

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", type=Path,
            help="YAML files or folders to load instead of every *.yaml in section11/frameworks/. "
                 "scales.yaml is always loaded first.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        self.counts = Counter()
        self.warnings = 0
        self.seen_frameworks = {}

        call_command("load_reference_data", stdout=self.stdout, stderr=self.stderr,
                     verbosity=self.verbosity)
        self.taxonomy = Taxonomy()

        files = yaml_files(options["paths"] or [FRAMEWORKS_DIR], first=[SCALES_FILE],
                           empty_folder="{path}: no framework files (*.yaml) in this folder.")
        documents = [(path, _read(path)) for path in files]

        # Scales first (any file whose top level is a list), then frameworks (a mapping).
        for path, data in documents:
            if isinstance(data, list):
                self._load_scales(path, data)
        for path, data in documents:
            if isinstance(data, dict):
                self._load_framework(path, data)
            elif not isinstance(data, list):
                raise CommandError(f"{path}: expected a framework (a mapping) or a list of rating scales.")

        c = self.counts
        self.stdout.write(self.style.SUCCESS(
            f"Section 11 frameworks loaded: {c['scales']} rating scales ({c['levels']} levels), "
            f"{c['frameworks']} frameworks, {c['standards']} standards, {c['criteria']} criteria "
            f"({c['new']} new, {c['removed']} removed); {self.warnings} warnings."
        ))

    def _warn(self, message: str):
        self.warnings += 1
        self.stderr.write(self.style.WARNING(f"Warning: {message}"))

    # --- Rating scales -------------------------------------------------------------------------------
    def _load_scales(self, path: Path, data: list):
        codes = set()
        for index, item in enumerate(data, start=1):
            where = f"{path}: rating scale {index}"
            code = _str(item, "code", where, model=RatingScale)
            where = f"{path}: rating scale '{code}'"
            if code in codes:
                raise CommandError(f"{where} appears twice.")
            codes.add(code)
            allows_na = item.get("allows_not_applicable", True)
            if not isinstance(allows_na, bool):
                raise CommandError(f"{where}: 'allows_not_applicable' must be true or false.")
            scale, created = RatingScale.objects.update_or_create(
                code=code,
                defaults={"name": _str(item, "name", where, model=RatingScale), "allows_not_applicable": allows_na},
            )
            self.counts["scales"] += 1
            self.counts["new"] += created

            level_codes, scores = [], []
            for position, level in enumerate(a_list(item, "levels", where, required=True), start=1):
                lwhere = f"{where}, level {position}"
                lcode = _str(level, "code", lwhere, model=RatingLevel)
                lwhere = f"{where}, level '{lcode}'"
                colour = _str(level, "colour", lwhere)
                if colour not in RatingLevel.Colour.values:
                    raise CommandError(f"{lwhere}: colour '{colour}' is not one of "
                                       f"{', '.join(RatingLevel.Colour.values)}.")
                score = _int(level, "score", lwhere)
                if lcode in level_codes:
                    raise CommandError(f"{lwhere} appears twice.")
                if score in scores:
                    raise CommandError(f"{lwhere}: score {score} is used twice; scores must differ within a scale.")
                level_codes.append(lcode)
                scores.append(score)
                _, created = RatingLevel.objects.update_or_create(
                    scale=scale, code=lcode,
                    defaults={"label": _str(level, "label", lwhere, model=RatingLevel),
                              "description": _str(level, "description", lwhere, model=RatingLevel, required=False),
                              "score": score, "colour": colour,
                              "order": _int(level, "order", lwhere, default=position)},
                )
                self.counts["levels"] += 1
                self.counts["new"] += created

            for level in scale.levels.exclude(code__in=level_codes):
                if Answer.objects.filter(Q(rating=level) | Q(moderated_rating=level)).exists():
                    self._warn(f"{where}: level '{level.code}' is no longer in {path.name} but answers use it; "
                               "it has been kept.")
                else:
                    level.delete()
                    self.counts["removed"] += 1

    # --- Frameworks ----------------------------------------------------------------------------------
    def _load_framework(self, path: Path, data: dict):
        where = str(path)
        code = _str(data, "code", where, model=Framework)
        version = _str(data, "version", where, model=Framework)
        key = (code, version)
        if key in self.seen_frameworks:
            raise CommandError(f"{path}: framework '{code}' version {version} is also in "
                               f"{self.seen_frameworks[key]}.")
        self.seen_frameworks[key] = path
        scale_code = _str(data, "scale", where)
        scale = RatingScale.objects.filter(code=scale_code).first()
        if scale is None:
            raise CommandError(f"{path}: rating scale '{scale_code}' is unknown; define it in {SCALES_FILE.name}.")
        audience = _str(data, "audience", where, default=Framework.Audience.AGENCIES, required=False)
        if audience not in Framework.Audience.values:
            raise CommandError(f"{path}: audience '{audience}' is not one of {', '.join(Framework.Audience.values)}.")
        defaults = {"name": _str(data, "name", where, model=Framework), "audience": audience, "scale": scale,
                    "description": _str(data, "description", where, required=False)}
        if "active" in data:
            if not isinstance(data["active"], bool):
                raise CommandError(f"{path}: 'active' must be true or false.")
            defaults["active"] = data["active"]
        framework, created = Framework.objects.update_or_create(code=code, version=version, defaults=defaults)
        self.counts["frameworks"] += 1
        self.counts["new"] += created

        numbers = []
        for index, item in enumerate(a_list(data, "standards", where, required=True), start=1):
            number = _int(item, "number", f"{path}: standard {index}") if isinstance(item, dict) else None
            swhere = f"{path}: standard {number}"
            if number is None:
                raise CommandError(f"{path}: standard {index} must be a mapping of keys and values.")
            if number in numbers:
                raise CommandError(f"{swhere} appears twice.")
            numbers.append(number)
            standard, created = Standard.objects.update_or_create(
                framework=framework, number=number,
                defaults={"title": _str(item, "title", swhere, model=Standard),
                          "description": _str(item, "description", swhere, required=False)},
            )
            self.counts["standards"] += 1
            self.counts["new"] += created
            self._load_criteria(path, standard, a_list(item, "criteria", swhere, required=True))

        for standard in framework.standards.exclude(number__in=numbers):
            if Answer.objects.filter(criterion__standard=standard).exists():
                self._warn(f"{path}: standard {standard.number} is no longer in the file but answers use it; "
                           "it has been kept.")
            else:
                standard.delete()
                self.counts["removed"] += 1
        if self.verbosity >= 2:
            self.stdout.write(f"{path.name}: {framework} with {len(numbers)} standards.")

    def _load_criteria(self, path: Path, standard: Standard, items: list):
        codes = []
        for position, item in enumerate(items, start=1):
            code = _str(item, "code", f"{path}: standard {standard.number}, criterion {position}", model=Criterion)
            where = f"{path}: criterion {code}"
            if code in codes:
                raise CommandError(f"{where} appears twice in standard {standard.number}.")
            codes.append(code)
            evidence = item.get("evidence_examples")
            if isinstance(evidence, list):  # a YAML list is accepted too and stored "; "-separated
                item = {**item, "evidence_examples": "; ".join(str(e).strip() for e in evidence)}
            stages = [self.taxonomy.stage(code_, where) for code_ in a_list(item, "journey_stages", where)]
            inspection = [self.taxonomy.criterion(ref, where) for ref in a_list(item, "inspection_criteria", where)]
            criterion, created = Criterion.objects.update_or_create(
                standard=standard, code=code,
                defaults={"text": _str(item, "text", where),
                          "guidance": _str(item, "guidance", where, required=False),
                          "evidence_examples": _str(item, "evidence_examples", where, required=False),
                          "order": position},
            )
            criterion.journey_stages.set(stages)
            criterion.inspection_criteria.set(inspection)
            self.counts["criteria"] += 1
            self.counts["new"] += created

        for criterion in standard.criteria.exclude(code__in=codes):
            if criterion.answers.exists():
                self._warn(f"{path}: criterion {criterion.code} is no longer in the file but answers use it; "
                           "it has been kept.")
            else:
                criterion.delete()
                self.counts["removed"] += 1

