"""Lint output: diagnostics as JSON, GitHub workflow annotations and SARIF 2.1.0."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

import orjson

from .lint import RULES, Diagnostic
from .printable import json_c1_escaped

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/speechtree/"


def to_json(diags: Iterable[Diagnostic]) -> str:
    """What ``lint --format json`` prints: one list of diagnostics, indented."""
    dumped = [d.model_dump(mode="json") for d in diags]
    return json_c1_escaped(orjson.dumps(dumped, option=orjson.OPT_INDENT_2)).decode("utf-8") + "\n"


def _gh_data(text: str) -> str:
    # The workflow-command escapes (actions/toolkit, command.ts).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


_NAMES = {r.code: r.name for r in RULES}


def github(diags: Iterable[Diagnostic]) -> str:
    """One ``::warning file=…,line=…,col=…,title=…::message`` line per diagnostic."""
    lines = []
    for d in diags:
        title = f"{d.code} {_NAMES.get(d.code, '')}".strip()
        lines.append(
            f"::warning file={_gh_property(d.file)},line={d.line},col={d.col},"
            f"title={_gh_property(title)}::{_gh_data(d.code + ' ' + d.message)}"
        )
    return "".join(line + "\n" for line in lines)


def _uri(file: str) -> str:
    p = PurePath(file)
    if p.is_absolute():
        return "file://" + quote(p.as_posix())
    return quote(p.as_posix())


def sarif(diags: Sequence[Diagnostic], *, version: str, ok: bool = True) -> dict[str, Any]:
    """A SARIF 2.1.0 log of one run. Columns count Unicode code points, as
    speechtree's do (``columnKind``); ``ok`` is false when a file could not be read."""
    index = {r.code: i for i, r in enumerate(RULES)}
    rules = [
        {
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "defaultConfiguration": {"level": "warning"},
        }
        for r in RULES
    ]
    results = []
    for d in diags:
        location: dict[str, Any] = {"artifactLocation": {"uri": _uri(d.file)}}
        if not PurePath(d.file).is_absolute():
            location["artifactLocation"]["uriBaseId"] = "%SRCROOT%"
        location["region"] = {"startLine": d.line, "startColumn": d.col}
        result: dict[str, Any] = {
            "ruleId": d.code,
            "level": "warning",
            "message": {"text": d.message},
            "locations": [{"physicalLocation": location}],
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "speechtree",
                        "version": version,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "invocations": [{"executionSuccessful": ok}],
                "results": results,
            }
        ],
    }
