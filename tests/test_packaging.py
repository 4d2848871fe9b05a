"""What a packager and a user of the installed distribution see: name, version, licence."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import reasoner
from reasoner.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_version_is_the_distributions(capsys) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert reasoner.__version__ == project["version"]
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"reasoner {project['version']}"


def test_distribution_name_licence_and_classifiers() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == "reasoner-events"  # `reasoner` on the index is another project
    assert project["license"] == {"file": "LICENSE"}
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "License :: OSI Approved :: MIT License" in project["classifiers"]
    assert project["scripts"]["reasoner"] == "reasoner.cli:main"


def test_type_checkers_see_the_engine_class(tmp_path: Path) -> None:
    mypy = pytest.importorskip("mypy.api")
    program = tmp_path / "uses_engine.py"
    program.write_text("from reasoner import Engine\nreveal_type(Engine)\n")
    out, _, _ = mypy.run([str(program), "--no-incremental"])
    assert "reasoner.engine.Engine" in out, out
