"""A static, self-contained HTML report: every claim's verdict, each paper's figures, provenance.

Figures are embedded as base64 PNGs and the styles are inline, so the page works offline and can
be mailed or archived as a single file.
"""

from __future__ import annotations

import base64
import datetime
import html
import json
from pathlib import Path
from typing import Iterable, Sequence

from theorylab.claims import Paper, Verdict
from theorylab.provenance import provenance

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em} h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;width:100%;font-size:.88em} th,td{border:1px solid #ddd;padding:.35em .5em;vertical-align:top;text-align:left}
th{background:#f4f4f4} tr:nth-child(even) td{background:#fbfbfb}
.pass{color:#11692c;font-weight:600} .fail{color:#b00020;font-weight:600}
.summary{font-size:1.1em;margin:.6em 0 1.2em} .muted{color:#666;font-size:.85em}
th:nth-child(1){width:12%} th:nth-child(2){width:24%} th:nth-child(3){width:24%} td:nth-child(1){word-break:break-word}
figure{display:block;margin:1em 0;max-width:900px} figure img{max-width:100%;border:1px solid #eee}
figcaption{font-size:.85em;color:#555} pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:.8em}
"""


def _esc(value) -> str:
    return html.escape(str(value))


def _estimate_cell(verdict: Verdict) -> str:
    if verdict.error:
        return f'<span class="fail">error</span><pre>{_esc(verdict.error.splitlines()[0])}</pre>'
    rows = []
    for name, est in verdict.estimates.items():
        rows.append(f"{_esc(name)}: <b>{est.value:.4g}</b> [{est.low:.4g}, {est.high:.4g}] "
                    f'<span class="muted">({est.seeds} seeds; {_esc(est.method)})</span>')
    return "<br>".join(rows)


def _laws_cell(results, *, controls: bool) -> str:
    items = []
    for r in results:
        ok = (not r.agrees) if controls else r.agrees
        mark = ("rejected" if ok else "NOT rejected") if controls else ("agrees" if ok else "disagrees")
        target = f" [{_esc(r.law.on)}]" if r.law.on else ""
        items.append(f'{_esc(r.law.describe())}{target}: <span class="{"pass" if ok else "fail"}">{mark}</span>')
    return "<br>".join(items)


def claims_table(verdicts: Sequence[Verdict], papers: dict[str, Paper]) -> str:
    """The table of every claim: statement, estimates with intervals, predictions, controls, verdict."""
    rows = []
    for v in verdicts:
        paper = papers.get(v.claim.paper)
        link = (f'<a href="{_esc(paper.url)}">{_esc(v.claim.paper)}</a>' if paper and paper.url
                else _esc(v.claim.paper))
        verdict = '<span class="pass">agrees</span>' if v.passed else '<span class="fail">DISAGREES</span>'
        rows.append(
            f"<tr><td>{link}<br><b>{_esc(v.claim.id)}</b></td>"
            f"<td>{_esc(v.claim.statement)}<br><span class=\"muted\">{_esc(v.claim.source)}</span></td>"
            f"<td>{_estimate_cell(v)}</td><td>{_laws_cell(v.predicted, controls=False)}</td>"
            f"<td>{_laws_cell(v.controls, controls=True)}</td><td>{verdict}<br>"
            f'<span class="muted">{v.seconds:.1f} s</span></td></tr>')
    header = ("<tr><th>claim</th><th>statement</th><th>estimate [95% interval]</th><th>predicted</th>"
              "<th>negative controls</th><th>verdict</th></tr>")
    return f'<table id="claims">{header}{"".join(rows)}</table>'


def figures_section(paper: Paper, figure_dir: Path) -> str:
    """The paper's PNG figures, embedded."""
    pngs = sorted(figure_dir.glob("*.png")) if figure_dir.is_dir() else []
    if not pngs:
        return f'<p class="muted">No figures in {_esc(figure_dir)} (run <code>theorylab figures {_esc(paper.slug)}</code>).</p>'
    items = []
    for png in pngs:
        data = base64.b64encode(png.read_bytes()).decode()
        items.append(f'<figure><img alt="{_esc(png.stem)}" src="data:image/png;base64,{data}">'
                     f"<figcaption>{_esc(png.stem.replace('_', ' '))}</figcaption></figure>")
    return "".join(items)


def render(verdicts: Sequence[Verdict], papers: dict[str, Paper], figures_root: Path, *, profile: str) -> str:
    """The whole page as a string."""
    passed = sum(v.passed for v in verdicts)
    sections = []
    for slug, paper in papers.items():
        sections.append(f'<h2 id="{_esc(slug)}">{_esc(paper.title)}</h2><p>{_esc(paper.citation)} '
                        f'{f"<a href={chr(34)}{_esc(paper.url)}{chr(34)}>{_esc(paper.url)}</a>" if paper.url else ""}</p>'
                        + figures_section(paper, figures_root / slug))
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>theorylab report</title>"
            f"<style>{_CSS}</style></head><body><h1>theorylab verification report</h1>"
            f'<p class="muted">profile {_esc(profile)}, generated {stamp}</p>'
            f'<p class="summary"><b>{passed} of {len(verdicts)}</b> claims agree with their prediction and reject '
            f"every negative control.</p>{claims_table(verdicts, papers)}{''.join(sections)}"
            f"<h2>Provenance</h2><pre>{_esc(json.dumps(provenance(), indent=1))}</pre></body></html>")


def write_report(verdicts: Sequence[Verdict], papers: dict[str, Paper], out_dir: Path | str,
                 figures_root: Path | str = "figures", *, profile: str = "quick") -> Path:
    """Write ``out_dir/index.html`` and return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    path.write_text(render(verdicts, papers, Path(figures_root), profile=profile), encoding="utf-8")
    return path


def papers_of(verdicts: Iterable[Verdict]) -> list[str]:
    """Paper slugs in the order their claims appear."""
    return list(dict.fromkeys(v.claim.paper for v in verdicts))
