"""The doctor's report as a table for people or one JSON object for scripts."""

from __future__ import annotations

import json
from dataclasses import asdict

from .checks import Report


def render_json(report: Report) -> str:
    return json.dumps({"ok": report.ok, **asdict(report)}, indent=2) + "\n"


def render_table(report: Report) -> str:
    label = {"ok": "ok", "note": "note", "problem": "PROBLEM"}
    lines = ["hotmart-membrane-mcp doctor", ""]
    for check in report.checks:
        lines.append(f"  {label[check.status]:<8} {check.name:<13} {check.detail}")
        if check.fix:
            lines.append(f"  {'':<8} {'':<13} fix: {check.fix}")
    lines += ["", "Effective configuration:"]
    lines += [f"  {key} = {json.dumps(value)}" for key, value in report.effective_config.items()]
    problems = sum(check.status == "problem" for check in report.checks)
    lines += [
        "",
        f"Configuration for {report.client}:",
        report.client_config.rstrip("\n"),
        "",
        "No problems found." if not problems else f"{problems} problem(s) found; each has its fix above.",
    ]
    return "\n".join(lines) + "\n"
