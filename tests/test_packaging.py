"""What a package index and an installer see: licence, addresses, README links,
the sdist's contents, the declared dependencies, the version, YAML's dumper."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import speechtree
from speechtree import yaml_io

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
META = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = META["project"]


def test_license_file_is_the_licence_pyproject_names() -> None:
    assert PROJECT["license"] == {"text": "MIT"}
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text


def test_project_urls_are_absolute() -> None:
    urls = PROJECT["urls"]
    assert urls and all(u.startswith("https://") for u in urls.values())


def test_readme_links_work_on_a_package_index() -> None:
    # A package index shows README.md alone: a relative link or image leads nowhere.
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)", text) + re.findall(
        r"""(?:src|href)=["']([^"']+)""", text
    )
    relative = [t for t in targets if not re.match(r"https?://|#|mailto:", t)]
    assert relative == []


def _tracked_files() -> list[str]:
    r = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("not a git checkout (an unpacked sdist, say)")
    return r.stdout.splitlines()


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("sdist")
    code = f"import hatchling.build as b; print(b.build_sdist({str(out)!r}))"
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return out / r.stdout.strip().splitlines()[-1]


def test_sdist_holds_what_the_tests_read(sdist: Path) -> None:
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    tracked = _tracked_files()
    # Everything the suite opens: the package, its tests and fixtures, the
    # examples, the docs the tests check, and the licence.
    wanted = [
        f for f in tracked
        if f.split("/", 1)[0] in ("speechtree", "grammars", "tests", "examples", "docs")
        and (ROOT / f).exists()
    ]
    wanted += ["LICENSE", "README.md", "pyproject.toml", ".pre-commit-hooks.yaml"]
    missing = sorted(set(wanted) - names)
    assert missing == []


def _imported_top_modules() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "speechtree").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


#: Distribution name → the module it installs, where they differ.
_MODULE_OF = {"PyYAML": "yaml", "python-docx": "docx", "beautifulsoup4": "bs4",
              "pdfminer.six": "pdfminer", "charset-normalizer": "charset_normalizer"}


def test_every_dependency_is_imported_by_the_package() -> None:
    imported = _imported_top_modules()
    for req in PROJECT["dependencies"]:
        dist = re.match(r"[A-Za-z0-9_.\-]+", req)
        assert dist is not None
        name = dist.group(0)
        module = _MODULE_OF.get(name, name.replace("-", "_").lower())
        assert module in imported, f"{name} is declared but speechtree never imports {module}"


def test_version_is_one_string_that_the_metadata_reports() -> None:
    from importlib.metadata import version

    text = (ROOT / "speechtree" / "_version.py").read_text(encoding="utf-8")
    assert re.search(r'^__version__ = "([^"]+)"$', text, flags=re.M)
    assert META["tool"]["hatch"]["version"]["path"] == "speechtree/_version.py"
    assert "version" in PROJECT["dynamic"] and "version" not in PROJECT
    assert speechtree.__version__ == version("speechtree")


# -- YAML ---------------------------------------------------------------------


def _python_dump(data: object) -> str:
    return yaml.dump(data, Dumper=yaml.SafeDumper, allow_unicode=True, sort_keys=False,
                     width=1_000_000)


def test_yaml_uses_libyaml_when_present() -> None:
    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML without libyaml: the Python dumper is the only one")
    doc = speechtree.parse_file(ROOT / "examples" / "speeches" / "county_work_meeting.txt")
    assert yaml_io.dumper_for(doc.to_dict()) is yaml.CSafeDumper
    assert doc.to_yaml() == _python_dump(doc.to_dict())


_TEXT = st.text(st.characters(blacklist_categories=("Cs",))) | st.text(
    "一二三、（）。\n\r\t 　ab:#-'\"\\\x00\x1f\x7f\x85\xa0\u2028\ufeff𠀋😀", max_size=20
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(_TEXT, max_size=4))
def test_yaml_output_does_not_depend_on_libyaml(texts: list[str]) -> None:
    data = {"texts": texts, "nested": [{"title": t, "n": i} for i, t in enumerate(texts)]}
    assert yaml_io.dump(data) == _python_dump(data)
