"""Start-up memory (issue 9, "idle memory under 150 MB"): the chart, report and export
libraries load on first use, not when the bot starts. Runs the start-up in a fresh
interpreter, since this test process has long imported them. The RSS is printed, never
asserted (it depends on the machine)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("matplotlib", "numpy", "docx", "openpyxl", "lxml")

STARTUP = """
import asyncio, json, sys, tempfile
from pathlib import Path

def rss():
    return next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmRSS"))

async def main():
    from bot.settings import load_settings
    from bot.runtime import build_runtime
    from bot.http.app import create_app
    folder = Path(tempfile.mkdtemp())
    rt = await build_runtime(
        load_settings(database_url=f"sqlite+aiosqlite:///{folder}/x.db", output_dir=folder / "out")
    )
    create_app(rt)
    print(json.dumps({"rss_kb": int(rss()), "loaded": {m: m in sys.modules for m in HEAVY}}))
    await rt.db.dispose()

HEAVY = sys.argv[1:]
asyncio.run(main())
"""


def fresh_python(script: str, *args: str) -> str:
    """Run `script` in a new interpreter at the repository's root; what it printed (it must
    succeed)."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_heavy_libraries_are_not_loaded_at_start_up() -> None:
    result = json.loads(fresh_python(STARTUP, *HEAVY).strip().splitlines()[-1])
    print(f"idle RSS after start-up: {result['rss_kb'] / 1024:.0f} MB")
    assert result["loaded"] == dict.fromkeys(HEAVY, False)


def test_they_load_on_first_use(tmp_path: Path) -> None:
    """Drawing a chart and writing a report and a workbook still work from a fresh start."""
    script = """
import sys
from pathlib import Path
from scoring.chart import render_radar
from scoring.export import write_xlsx
from scoring.report import ReportData, write_docx
assert "matplotlib" not in sys.modules and "docx" not in sys.modules
out = Path(sys.argv[1])
render_radar(["a", "b", "c"], [0.5, None, 1.0], None, [False, True, False], "T", out / "r.png")
data = ReportData("da", "P", None, 1, True, "1", None, "1", (), (), None, None, None, (), ())
tr = lambda key, **values: key
write_docx(data, tr, out / "r.docx", out / "r.png")
write_xlsx(data, tr, out / "r.xlsx")
print(all(m in sys.modules for m in ("matplotlib", "docx", "openpyxl")))
"""
    assert fresh_python(script, str(tmp_path)).strip() == "True"
    assert {p.name for p in tmp_path.iterdir()} == {"r.png", "r.docx", "r.xlsx"}
