"""Load the performance dataset (indicators and their comparators) from YAML.

The dataset is data the business unit can edit: every `*.yaml` in `performance/indicators/` holds a
mapping with an `indicators:` list. See the comments at the top of `merton-dataset.yaml` for the keys.

Idempotent: run it as often as you like. Indicators are matched by code and comparators by
(indicator, year, kind); a comparator removed from the YAML is deleted, an indicator removed from it
is left alone (it may have values). Reference data (journey stages, inspection criteria, priorities)
is loaded first, and reporting periods are made for the current and previous two financial years.
Everything happens in one transaction: a mistake anywhere (an unknown owning agency, say) saves nothing.

    manage.py load_indicators                        # every file in performance/indicators/
    manage.py load_indicators path/to/our-dataset.yaml
"""
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from partnership.dates import financial_year_label
from partnership.models import Agency, Priority
from partnership.reference_files import a_list, read_yaml, text, yaml_files
from partnership.taxonomy_lookup import Taxonomy
from performance.models import Comparator, Frequency, Indicator, Polarity, Quadrant, Unit
from performance.services.periods import periods_generate

INDICATORS_DIR = Path(__file__).resolve().parents[2] / "indicators"

# DfE's children's safeguarding performance information framework: its five themes.
THEMES = ["Outcomes", "Child protection activity including early help", "Quality and timeliness of decisions",
          "Quality of plans", "Workforce"]

KEYS = {"code", "title", "definition", "numerator_definition", "denominator_definition", "unit", "polarity",
        "quadrant", "accountability", "owner", "frequency", "cumulative", "counting_rule", "target",
        "amber_tolerance", "red_tolerance", "theme", "journey_stages", "inspection_criteria", "priority", "order",
        "values_are_demo", "active", "comparators"}
COMPARATOR_KEYS = {"year", "demo", *Comparator.Kind.values}
RATIO_UNITS = (Unit.PERCENTAGE, Unit.RATE_PER_10K)


def _read(path: Path):
    return read_yaml(path)


def _str(item: dict, key: str, where: str, *, required: bool = True, max_length: int | None = None) -> str:
    return text(item, key, where, required=required, max_length=max_length, squash=True)


def _choice(item: dict, key: str, where: str, choices, *, default: str | None = None) -> str:
    value = item.get(key, default)
    if value is None:
        raise CommandError(f"{where}: '{key}' is missing; use one of {', '.join(choices)}.")
    if value not in choices:
        raise CommandError(f"{where}: '{key}' is {value!r}; use one of {', '.join(choices)}.")
    return value


def _bool(item: dict, key: str, where: str, default: bool) -> bool:
    value = item.get(key, default)
    if not isinstance(value, bool):
        raise CommandError(f"{where}: '{key}' must be true or false (got {value!r}).")
    return value


def _number(item: dict, key: str, where: str, *, default=None) -> Decimal | None:
    value = item.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CommandError(f"{where}: '{key}' must be a number (got {value!r}).")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise CommandError(f"{where}: '{key}' must be a number (got {value!r}).") from None
    if not number.is_finite() or number < 0:
        raise CommandError(f"{where}: '{key}' must be a number of 0 or more (got {value!r}).")
    if number >= Decimal(10) ** 10 or number != number.quantize(Decimal("0.01")):
        raise CommandError(f"{where}: '{key}' must have at most two decimal places and ten digits (got {value!r}).")
    return number


class Command(BaseCommand):
    help = ("Load the performance indicators and their comparators from YAML (performance/indicators/, or the "
            "files given). Loads the reference data first and makes the reporting periods. Idempotent.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path,
                            help="YAML files or folders to load instead of every *.yaml in performance/indicators/.")

    @transaction.atomic
    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        self.counts = Counter()
        call_command("load_reference_data", stdout=self.stdout, stderr=self.stderr, verbosity=self.verbosity)
        self.taxonomy = Taxonomy()
        self.priorities = {p.code: p for p in Priority.objects.all()}

        files = yaml_files(options["paths"] or [INDICATORS_DIR])
        if not files:
            raise CommandError("No indicator files found (looked for *.yaml in "
                               f"{', '.join(str(p) for p in options['paths'] or [INDICATORS_DIR])}).")

        # Read and check everything first, so that a mistake anywhere is reported before anything is saved
        # (the transaction would undo it anyway) and every missing agency is named at once.
        items, seen = [], {}
        for path in files:
            data = _read(path)
            if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
                raise CommandError(f"{path}: expected a mapping with an 'indicators:' list.")
            for position, item in enumerate(data["indicators"], start=1):
                parsed = self._parse(path, position, item)
                code = parsed["code"]
                if code in seen:
                    raise CommandError(f"{path}: indicator '{code}' is also in {seen[code]}.")
                seen[code] = path
                items.append(parsed)
        owners = self._owners(items)

        for parsed in items:
            self._save(parsed, owners[parsed["owner"]])

        today = timezone.localdate()
        year = today.year if today.month >= 4 else today.year - 1
        periods = []
        for financial_year in (year - 2, year - 1, year):
            periods += periods_generate(financial_year=financial_year)

        c = self.counts
        self.stdout.write(self.style.SUCCESS(
            f"Performance indicators loaded from {len(files)} file(s): {c['indicators']} indicators "
            f"({c['new_indicators']} new), {c['comparators']} comparators ({c['new_comparators']} new, "
            f"{c['removed_comparators']} removed); {len(periods)} reporting periods for the financial years "
            f"{financial_year_label(year - 2)} to {financial_year_label(year)}."
        ))

    # --- Reading and checking ---------------------------------------------------------------------
    def _parse(self, path: Path, position: int, item) -> dict:
        where = f"{path}: indicator {position}"
        if not isinstance(item, dict):
            raise CommandError(f"{where}: expected a mapping of keys and values, got {type(item).__name__}.")
        code = _str(item, "code", where, max_length=Indicator._meta.get_field("code").max_length)
        if slugify(code) != code:
            raise CommandError(f"{where}: code '{code}' must be a slug: lower-case letters, digits and hyphens.")
        where = f"{path}: indicator '{code}'"
        unknown = set(item) - KEYS
        if unknown:
            raise CommandError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}. Known keys: "
                               f"{', '.join(sorted(KEYS))}.")

        unit = _choice(item, "unit", where, Unit.values)
        polarity = _choice(item, "polarity", where, Polarity.values)
        parsed = {
            "code": code, "where": where,
            "owner": _str(item, "owner", where),
            "title": _str(item, "title", where, max_length=Indicator._meta.get_field("title").max_length),
            "definition": _str(item, "definition", where),
            "numerator_definition": _str(item, "numerator_definition", where, required=unit in RATIO_UNITS),
            "denominator_definition": _str(item, "denominator_definition", where, required=unit in RATIO_UNITS),
            "unit": unit, "polarity": polarity,
            "quadrant": _choice(item, "quadrant", where, Quadrant.values),
            "accountability": _choice(item, "accountability", where, Indicator.Accountability.values,
                                      default=Indicator.Accountability.PERFORMANCE),
            "frequency": _choice(item, "frequency", where, Frequency.values),
            "cumulative": _bool(item, "cumulative", where, False),
            "counting_rule": _choice(item, "counting_rule", where, Indicator.CountingRule.values,
                                     default=Indicator.CountingRule.CHILDREN),
            "target": _number(item, "target", where),
            "amber_tolerance": _number(item, "amber_tolerance", where, default=0),
            "red_tolerance": _number(item, "red_tolerance", where),
        }
        if "active" in item:  # otherwise left as it is, so an indicator retired in the admin stays retired
            parsed["active"] = _bool(item, "active", where, True)
        order = item.get("order", position * 10)
        if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 32767:
            raise CommandError(f"{where}: 'order' must be a whole number from 0 to 32767 (got {order!r}).")
        parsed["order"] = order

        if polarity == Polarity.NONE:
            if parsed["target"] is not None or parsed["red_tolerance"] is not None or parsed["amber_tolerance"]:
                raise CommandError(f"{where}: polarity 'none' is context only; remove its target and tolerances.")
        elif parsed["target"] is None and parsed["red_tolerance"] is not None:
            raise CommandError(f"{where}: a red tolerance needs a target.")
        if parsed["red_tolerance"] is not None and parsed["red_tolerance"] < parsed["amber_tolerance"]:
            raise CommandError(f"{where}: 'red_tolerance' ({parsed['red_tolerance']}) must be at least "
                               f"'amber_tolerance' ({parsed['amber_tolerance']}).")
        if unit == Unit.PERCENTAGE and parsed["target"] is not None and parsed["target"] > 100:
            raise CommandError(f"{where}: a percentage target cannot be more than 100.")
        if unit == Unit.YES_NO and parsed["target"] not in (None, 0, 1):
            raise CommandError(f"{where}: a yes/no target is 1 (yes) or 0 (no).")

        theme = _str(item, "theme", where, required=False)
        if theme:
            matches = [t for t in THEMES if t.lower() == theme.lower()]
            if not matches:
                raise CommandError(f"{where}: theme '{theme}' is not one of DfE's five: {'; '.join(THEMES)}.")
            theme = matches[0]
        parsed["theme"] = theme

        priority = _str(item, "priority", where, required=False)
        if priority and priority not in self.priorities:
            raise CommandError(f"{where}: unknown priority '{priority}'. Known priorities "
                               f"(partnership/reference/priorities.yaml): {', '.join(sorted(self.priorities))}.")
        parsed["priority"] = self.priorities.get(priority)
        parsed["journey_stages"] = [self.taxonomy.stage(c, where) for c in a_list(item, "journey_stages", where)]
        parsed["inspection_criteria"] = [self.taxonomy.criterion(r, where)
                                         for r in a_list(item, "inspection_criteria", where)]

        parsed["comparators"] = comparators = self._comparators(item, where)
        any_demo = any(is_demo for _, is_demo in comparators.values())
        values_are_demo = _bool(item, "values_are_demo", where, any_demo)
        if any_demo and not values_are_demo:
            raise CommandError(f"{where}: a comparator is marked demo (invented), so 'values_are_demo' must be true.")
        parsed["values_are_demo"] = values_are_demo
        return parsed

    def _comparators(self, item: dict, where: str) -> dict[tuple[int, str], tuple[Decimal, bool]]:
        result = {}
        for index, entry in enumerate(a_list(item, "comparators", where), start=1):
            cwhere = f"{where}, comparator {index}"
            if not isinstance(entry, dict):
                raise CommandError(f"{cwhere}: expected a mapping such as "
                                   "{year: 2024, england: 22.0, london: 20.1, neighbours: 21.0, demo: false}.")
            unknown = set(entry) - COMPARATOR_KEYS
            if unknown:
                raise CommandError(f"{cwhere}: unknown key(s) {', '.join(sorted(unknown))}. Known keys: "
                                   f"{', '.join(sorted(COMPARATOR_KEYS))}.")
            year = entry.get("year")
            if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
                raise CommandError(f"{cwhere}: 'year' must be a year such as 2024 (got {year!r}).")
            if "demo" not in entry:
                raise CommandError(f"{cwhere}: 'demo' is missing: say true for invented figures, false for "
                                   "published ones.")
            is_demo = _bool(entry, "demo", cwhere, False)
            kinds = [k for k in Comparator.Kind.values if k in entry]
            if not kinds:
                raise CommandError(f"{cwhere}: give at least one of {', '.join(Comparator.Kind.values)}.")
            for kind in kinds:
                value = _number(entry, kind, cwhere)
                if value is None:
                    raise CommandError(f"{cwhere}: '{kind}' is empty; leave the key out if it is not known.")
                if (year, kind) in result:
                    raise CommandError(f"{cwhere}: {year} {kind} is given twice.")
                result[(year, kind)] = (value, is_demo)
        return result

    def _owners(self, items: list[dict]) -> dict[str, Agency]:
        """Each owner named in the files, by full name or short name; every missing one named in one error."""
        owned: dict[str, list[str]] = {}
        for parsed in items:
            owned.setdefault(parsed["owner"], []).append(parsed["code"])
        owners, missing = {}, []
        for name, codes in owned.items():
            found = (list(Agency.objects.filter(name__iexact=name))
                     or list(Agency.objects.filter(short_name__iexact=name)))
            if len(found) > 1:
                raise CommandError(f"Owning agency '{name}' matches {len(found)} agencies "
                                   f"({'; '.join(a.name for a in found)}); use the agency's full name.")
            if found:
                owners[name] = found[0]
            else:
                missing.append(f"'{name}' (owner of {', '.join(codes)})")
        if missing:
            raise CommandError(
                f"Unknown owning {'agencies' if len(missing) > 1 else 'agency'} {'; '.join(missing)}. Create "
                "the agency in the admin (Agencies) with that name or short name, or run `manage.py seed_demo` "
                "on a demo system, then load the indicators again. Nothing has been saved.")
        return owners

    # --- Saving ------------------------------------------------------------------------------------
    def _save(self, parsed: dict, owner: Agency) -> None:
        fields = ["title", "definition", "numerator_definition", "denominator_definition", "unit", "polarity",
                  "quadrant", "accountability", "frequency", "cumulative", "counting_rule", "target",
                  "amber_tolerance", "red_tolerance", "priority", "theme", "values_are_demo", "active", "order"]
        indicator, created = Indicator.objects.update_or_create(
            code=parsed["code"], defaults={**{f: parsed[f] for f in fields if f in parsed}, "owner_agency": owner})
        indicator.journey_stages.set(parsed["journey_stages"])
        indicator.inspection_criteria.set(parsed["inspection_criteria"])
        self.counts["indicators"] += 1
        self.counts["new_indicators"] += created

        for (year, kind), (value, is_demo) in parsed["comparators"].items():
            _, created = Comparator.objects.update_or_create(
                indicator=indicator, year=year, kind=kind, defaults={"value": value, "is_demo": is_demo})
            self.counts["comparators"] += 1
            self.counts["new_comparators"] += created
        stale = indicator.comparators.all()
        for year, kind in parsed["comparators"]:
            stale = stale.exclude(year=year, kind=kind)
        self.counts["removed_comparators"] += stale.delete()[0]
        if self.verbosity >= 2:
            self.stdout.write(f"{parsed['code']}: {indicator.title} ({len(parsed['comparators'])} comparators).")
