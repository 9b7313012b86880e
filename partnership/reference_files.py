"""Reading reference-data files (YAML) safely, for every loader command: one-line refusals, never a traceback.

`read_yaml(path)` refuses, with a `CommandError` naming the file:
- a file that cannot be read, a folder, or a file over `MAX_BYTES`;
- a file that is not UTF-8 (with the line where the first bad byte is);
- YAML aliases (`*name`), so an "alias bomb" cannot blow up memory: reference data never needs them;
- YAML that does not parse.
`whole_number(value, where, key, low=, high=)` refuses what is not a whole number in range (a score of 10**40
would overflow the database column); `text` and `a_list` refuse what is not text or a list, and `yaml_files` lists
the files a loader reads, each once.
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


def text(item, key: str, where: str, *, required: bool = True, default: str = "", max_length: int | None = None,
         squash: bool = False) -> str:
    """A text value: refuse YAML's surprises (no -> False, 1.10 -> 1.1 are caught by asking for quotes). `squash`:
    each run of white space inside becomes one space (else the text is only trimmed)."""
    if not isinstance(item, dict):
        raise CommandError(f"{where}: expected a mapping of keys and values, got {type(item).__name__}.")
    value = item.get(key)
    if value is None:
        if required:
            raise CommandError(f"{where}: '{key}' is missing.")
        return default
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise CommandError(f"{where}: '{key}' must be text; put it in quotes (got {value!r}).")
    value = " ".join(str(value).split()) if squash else str(value).strip()
    if required and not value:
        raise CommandError(f"{where}: '{key}' is empty.")
    if max_length and len(value) > max_length:
        raise CommandError(f"{where}: '{key}' is {len(value)} characters long; the limit is {max_length}.")
    return value


def a_list(item: dict, key: str, where: str, *, required: bool = False) -> list:
    value = item.get(key)
    if value is None:
        if required:
            raise CommandError(f"{where}: '{key}' is missing.")
        return []
    if not isinstance(value, list) or (required and not value):
        raise CommandError(f"{where}: '{key}' must be a non-empty list." if required
                           else f"{where}: '{key}' must be a list.")
    return value


def yaml_files(paths, *, first=(), empty_folder: str = "") -> list[Path]:
    """The files a loader reads: `first`, then every *.yaml of each folder in `paths` (sorted) and each file named,
    each once. `empty_folder`: the refusal of a folder without any (given `path`), where the loader refuses one."""
    files = list(first)
    for path in paths:
        found = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        if not found and empty_folder:
            raise CommandError(empty_folder.format(path=path))
        files += [f for f in found if f.resolve() not in {g.resolve() for g in files}]
    return files
