"""bandit (static security analysis) finds nothing of medium or high severity in portal/."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bandit_reports_no_medium_or_high_finding():
    result = subprocess.run([sys.executable, "-m", "bandit", "-r", "portal", "-ll", "-q", "-f", "json"],
                            cwd=ROOT, capture_output=True, text=True, timeout=240)
    report = json.loads(result.stdout)
    findings = [f"{r['test_id']} {r['issue_severity']} {r['filename']}:{r['line_number']} {r['issue_text']}"
                for r in report["results"] if r["issue_severity"] in ("MEDIUM", "HIGH")]
    assert not findings, "\n".join(findings)
    assert not report["errors"], report["errors"]
    assert report["metrics"]["_totals"]["loc"] > 1000          # it really looked at the code
