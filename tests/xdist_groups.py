"""`--dist loadgroup` under pytest 9: the tests marked `xdist_group(name)` sent to one process, as pytest-xdist means.

pytest-xdist 3.8 (the newest the registry holds) marks a test's group by rewriting `item._nodeid` to end in
`@name`, and its scheduler sends every test whose id ends in the same `@name` to one process. pytest 9 derives
`item.nodeid` from `item._id` instead, so the rewrite is lost and every test is sent alone (found on 7 December
2026: a file of six tests in one group ran on both processes). `group_by_marks` makes the same rewrite on `_id`.
tests/test_xdist_groups.py runs a group in two processes and fails if it is split.
"""
import pytest

try:
    from _pytest.nodeid import coerce_node_id
except ImportError:  # pytest before 9: xdist's own rewrite of item._nodeid works there
    coerce_node_id = None


def group_names(item) -> list[str]:
    return sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                   for mark in item.iter_markers("xdist_group")})


def group_by_marks(config: pytest.Config, items: list[pytest.Item]) -> None:
    if coerce_node_id is None or not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = group_names(item)
        if names and "@" not in item.nodeid:
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(names)}")
