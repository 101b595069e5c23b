"""Every Python block of the README runs as written (from a fresh folder, so results go there)."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_python_block_runs(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("THEORYLAB_RESULTS", raising=False)
    monkeypatch.setenv("THEORYLAB_WORKERS", "1")
    exec(compile(BLOCKS[index], f"README.md python block {index}", "exec"), {})


def test_the_readme_has_python_blocks():
    assert BLOCKS
