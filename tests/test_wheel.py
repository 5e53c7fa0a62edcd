"""The grammar ships inside the wheel and loads from the installed package."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    try:
        import hatchling  # noqa: F401
    except ImportError:
        pytest.skip("hatchling (a test extra) is not installed")
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-w", str(out), str(ROOT)],
        capture_output=True, text=True, check=False,
    )
    assert r.returncode == 0, r.stderr
    (whl,) = out.glob("speechtree-*.whl")
    return whl


def _run_installed(site: Path, code: str) -> list[str]:
    """The lines ``code`` prints with only the unpacked wheel at ``site`` importable:
    run from an empty folder so the checkout's own package cannot be imported."""
    env = {**os.environ, "PYTHONPATH": str(site)}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=site.parent, env=env, check=False)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def test_wheel_contains_grammar_and_marker(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "speechtree/grammars/markers.lark" in names
    assert "speechtree/py.typed" in names


def test_installed_wheel_loads_grammar_from_package(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import speechtree, speechtree.grammar as g;"
        "print(g.grammar_text()[1]);"
        "print(speechtree.__file__);"
        "print([n.marker for _, n in speechtree.parse('一、甲\\n（一）乙').walk()])"
    )
    origin, path, markers = _run_installed(site, code)
    assert origin == "package"
    assert path.startswith(str(site))
    assert markers == "['一、', '（一）']"


def test_wheel_contains_the_web_pages_files(wheel: Path, tmp_path: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("index.html", "app.js", "app.css"):
        assert f"speechtree/web/static/{name}" in names
    pytest.importorskip("fastapi")
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "from speechtree.web.app import create_app;"
        "import speechtree;"
        "print(speechtree.__file__);"
        "print(len([r for r in create_app().routes if getattr(r, 'path', '') == '/']))"
    )
    # The installed app reads its page from the package, not from the checkout.
    path, routes = _run_installed(site, code)
    assert path.startswith(str(site))
    assert routes == "1"
