"""The tests of one xdist group run in one process under `make test`'s `--dist loadgroup` (tests/xdist_groups.py)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_group_of_tests_runs_in_one_process(tmp_path):
    (tmp_path / "conftest.py").write_text(
        "import pytest\n"
        "from tests.xdist_groups import group_by_marks\n\n\n"
        "@pytest.hookimpl(trylast=True)\n"
        "def pytest_collection_modifyitems(config, items):\n"
        "    group_by_marks(config, items)\n")
    (tmp_path / "test_grouped.py").write_text(
        "import os\nimport pytest\n\n\n"
        "@pytest.mark.xdist_group('together')\n"
        "@pytest.mark.parametrize('n', range(6))\n"
        "def test_one(n):\n"
        "    with open('pids.txt', 'a') as out:\n"
        "        out.write(f'{os.getpid()}\\n')\n\n\n"
        "@pytest.mark.parametrize('n', range(6))\n"
        "def test_alone(n):\n"
        "    pass\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-p", "no:cacheprovider",
         "-p", "no:django", "-q", "-c", os.devnull, "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stdout + result.stderr
    pids = set((tmp_path / "pids.txt").read_text().split())
    assert len(pids) == 1, f"the group ran in {len(pids)} processes"
