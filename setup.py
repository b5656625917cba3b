"""Build hook: ship ``openapi.yaml`` and ``fixtures/`` inside the package as ``sandbox/_data/``.

The data stay at the repo root (the layout the project documents); only the build copies
them into the wheel, where ``sandbox.config._data_path`` finds them. An editable install
needs no copy: ``_data_path`` falls back to the repo root. Everything else about the
package is declared in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: Top-level data, copied as sandbox/_data/<name>. Fixture code (*.py) is not data.
DATA = ("openapi.yaml", "fixtures")
SKIP = shutil.ignore_patterns("*.py", "*.pyc", "__pycache__")


class build_py_with_data(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "sandbox" / "_data"
        for name in DATA:
            source = ROOT / name
            if not source.exists():
                raise SystemExit(f"setup.py: {source} is missing; the package cannot work without it")
            if source.is_dir():
                shutil.copytree(source, target / name, ignore=SKIP, dirs_exist_ok=True)
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / name)


setup(cmdclass={"build_py": build_py_with_data})
