"""The installed package needs only its declared dependencies: every module imports without the dev extras."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

IMPORT_ALL = """
import importlib, pkgutil, sys
sys.modules.update(lizard=None, pytest=None)  # dev-only: importing them now raises ImportError
import harness
for module in pkgutil.walk_packages(harness.__path__, "harness."):
    if module.name != "harness.__main__":  # runs the CLI
        importlib.import_module(module.name)
"""


def test_every_module_of_the_package_imports_without_dev_dependencies():
    done = subprocess.run([sys.executable, "-c", IMPORT_ALL], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_a_built_wheel_carries_every_bundled_data_file(tmp_path):
    # package-data globs skip dot-directories unless named: the Polyglot demo's .meta/.docs must ship
    root = Path(__file__).resolve().parent.parent
    build = ["wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(root)]
    done = subprocess.run(
        [sys.executable, "-m", "pip", *build],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    data = root / "harness" / "tasks" / "data"
    bundled = {p.relative_to(root).as_posix() for p in data.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert bundled - shipped == set()
