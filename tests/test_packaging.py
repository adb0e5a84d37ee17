"""The installed package needs only its declared dependencies: every module imports without the dev extras."""

from __future__ import annotations

import subprocess
import sys

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
