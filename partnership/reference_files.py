"""Reading reference-data files (YAML) safely, for every loader command: one-line refusals, never a traceback.

`read_yaml(path)` refuses, with a `CommandError` naming the file:
- a file that cannot be read, a folder, or a file over `MAX_BYTES`;
- a file that is not UTF-8 (with the line where the first bad byte is);
- YAML aliases (`*name`), so an "alias bomb" cannot blow up memory: reference data never needs them;
- YAML that does not parse.
`whole_number(value, where, key, low=, high=)` refuses what is not a whole number in range (a score of 10**40
would overflow the database column).
"""
from pathlib import Path

import yaml
from django.core.management.base import CommandError

MAX_BYTES = 2 * 1024 * 1024
SMALL_NUMBER_LIMIT = 32_767  # a PositiveSmallIntegerField's ceiling


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader, refusing aliases."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in reference data",
                                              event.start_mark)
        return super().compose_node(parent, index)


def read_yaml(path: Path | str):
    path = Path(path)
    try:
        if path.is_dir():
            raise CommandError(f"{path}: is a folder; give a .yaml file.")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CommandError(f"{path}: the file is {size // 1024} KB; reference files are at most "
                               f"{MAX_BYTES // 1024 // 1024} MB.")
        raw = path.read_bytes()
    except (OSError, ValueError) as exc:
        raise CommandError(f"{path}: cannot read the file ({getattr(exc, 'strerror', None) or exc}).") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise CommandError(f"{path}: line {line} is not UTF-8 text; save the file as UTF-8 and try again.") from None
    try:
        # _NoAliasLoader is yaml.SafeLoader with aliases refused, so no object can be built from the file.
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506  # nosec B506
    except yaml.YAMLError as exc:
        raise CommandError(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from None
    except (RecursionError, MemoryError, ValueError, OverflowError) as exc:
        raise CommandError(f"{path}: the YAML is too deep or too large to read ({type(exc).__name__}).") from None


def whole_number(value, where: str, key: str, *, low: int = 0, high: int = SMALL_NUMBER_LIMIT) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "…"
        raise CommandError(f"{where}: '{key}' must be a whole number from {low} to {high} (got {shown}).")
    return value
