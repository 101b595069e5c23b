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

from theorylab.captions import read_caption
from theorylab.claims import Paper, Verdict
from theorylab.provenance import provenance

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em} h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;width:100%;font-size:.88em} th,td{border:1px solid #ddd;padding:.35em .5em;vertical-align:top;text-align:left}
th{background:#f4f4f4} tr:nth-child(even) td{background:#fbfbfb}
.pass{color:#11692c;font-weight:600} .fail{color:#b00020;font-weight:600} .inconclusive{color:#a15c00;font-weight:600}
tr.state-agrees td:last-child{background:#e9f7ee} tr.state-inconclusive td:last-child{background:#fff4e0}
tr.state-disagrees td:last-child, tr.state-error td:last-child{background:#fde8ea}
.flag{color:#a15c00}
.summary{font-size:1.1em;margin:.6em 0 1.2em} .muted{color:#666;font-size:.85em}
th:nth-child(1){width:12%} th:nth-child(2){width:24%} th:nth-child(3){width:24%} td:nth-child(1){word-break:break-word}
figure{display:block;margin:1em 0;max-width:900px} figure img{max-width:100%;border:1px solid #eee}
figcaption{font-size:.85em;color:#555} svg.forest{display:block;margin:.8em 0;border:1px solid #eee;max-width:100%}
details summary{cursor:pointer;color:#345} .filter{margin:1em 0} pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:.8em}
"""


def _esc(value) -> str:
    return html.escape(str(value))


def _estimate_cell(verdict: Verdict) -> str:
    if verdict.error:
        return f'<span class="fail">error</span><pre>{_esc(verdict.error.splitlines()[0])}</pre>'
    rows = []
    for name, est in verdict.estimates.items():
        rows.append(f"{_esc(name)}: <b>{est.value:.6g}</b> [{est.low:.6g}, {est.high:.6g}] "
                    f'<span class="muted">({est.seeds} seeds; {_esc(est.method)})</span>')
    return "<br>".join(rows)


_STATE_CLASS = {"agrees": "pass", "inconclusive": "inconclusive", "disagrees": "fail", "error": "fail"}


def _laws_cell(results, *, controls: bool) -> str:
    items = []
    for r in results:
        if controls:
            mark = "rejected" if r.rejected else ("NOT rejected (agrees)" if r.agrees else "not rejected (inconclusive)")
            css = "pass" if r.rejected else _STATE_CLASS[r.state]
        else:
            mark, css = r.state, _STATE_CLASS[r.state]
        target = f" [{_esc(r.law.on)}]" if r.law.on else ""
        rival = ""
        if r.law.rival:
            sep = r.separation
            flag = ' class="flag"' if not sep >= 1 else ""
            rival = (f'<br><span class="muted">nearest rival: {_esc(r.law.rival)}</span>; '
                     f"<span{flag}>separation {sep:.3g}</span>")
        items.append(f'{_esc(r.law.describe())}{target}: <span class="{css}">{mark}</span>{rival}')
    return "<br>".join(items)


def exploration_cell(claim, record: dict | None) -> str:
    """The claim's explored domain: how many points agreed, and its counterexample if one was found."""
    if claim.domain is None and record is None:
        return '<br><span class="flag">no domain declared</span>'
    if record is None:
        return (f'<br><span class="muted">domain: {_esc(claim.domain.describe())}; not explored yet '
                f"(<code>theorylab explore {_esc(claim.name)}</code>)</span>")
    counts = record.get("counts", {})
    total = sum(counts.values())
    tally = ", ".join(f"{n} {state}" for state, n in counts.items() if n)
    found = record.get("counterexample")
    css = "fail" if found else "muted"
    text = (f'<br><span class="{css}">explored ({_esc(record.get("profile", "?"))} profile, seed '
            f'{_esc(record.get("seed", "?"))}): {record.get("counts", {}).get("agrees", 0)} of {total} points agree'
            f"{f' ({_esc(tally)})' if tally else ''}</span>")
    if found:
        text += (f'<br><span class="fail">counterexample ({_esc(found.get("state"))}): '
                 f'{_esc(json.dumps(found.get("overrides"), default=str))}</span>')
    return text + f"<details><summary>explored domain</summary>{_esc(record.get('domain', ''))}</details>"


def claims_table(verdicts: Sequence[Verdict], papers: dict[str, Paper], explorations: dict | None = None) -> str:
    """The table of every claim: statement, estimates with intervals, predictions, controls, verdict."""
    explorations = explorations or {}
    rows = []
    for v in verdicts:
        paper = papers.get(v.claim.paper)
        link = (f'<a href="{_esc(paper.url)}">{_esc(v.claim.paper)}</a>' if paper and paper.url
                else _esc(v.claim.paper))
        state = v.state
        verdict = f'<span class="{_STATE_CLASS[state]}">{state if state == "agrees" else state.upper()}</span>'
        rationale = (f"<details><summary>rationale</summary>{_esc(v.claim.rationale)}</details>"
                     if v.claim.rationale else "")
        runs = "".join(f"<li>{_esc(p['experiment'])}: {p['runs']} runs, commit {_esc((p['commit'] or '?')[:10])}"
                       f"{' (dirty)' if p['dirty'] else ''}, code {_esc(p['code_fingerprint'])}</li>"
                       for p in v.provenance)
        runs = f"<details><summary>runs used</summary><ul>{runs}</ul></details>" if runs else ""
        shown_in = ", ".join(f'<a href="#fig-{_esc(v.claim.paper)}-{_esc(name)}">{_esc(name.replace("_", " "))}</a>'
                             for name in v.claim.figures)
        shown_in = f'<br><span class="muted">figure: {shown_in}</span>' if shown_in else ""
        rows.append(
            f'<tr class="state-{state}" data-state="{state}" data-paper="{_esc(v.claim.paper)}">'
            f"<td>{link}<br><b>{_esc(v.claim.id)}</b></td>"
            f"<td>{_esc(v.claim.statement)}"
            + (f'<br><span class="fail">against the paper, which says: {_esc(v.claim.against_paper)}</span>'
               if v.claim.against_paper else "")
            + f"<br><span class=\"muted\">source: {_esc(v.claim.source)}</span>"
            f"{shown_in}{exploration_cell(v.claim, explorations.get(v.claim.name))}{rationale}{runs}</td>"
            f"<td>{_estimate_cell(v)}</td><td>{_laws_cell(v.predicted, controls=False)}</td>"
            f"<td>{_laws_cell(v.controls, controls=True)}</td><td>{verdict}<br>"
            f'<span class="muted">{v.seconds:.1f} s</span></td></tr>')
    header = ("<tr><th>claim</th><th>statement</th><th>estimate [95% interval]</th><th>predicted</th>"
              "<th>negative controls</th><th>verdict</th></tr>")
    return f'<table class="claims">{header}{"".join(rows)}</table>'


def figures_section(paper: Paper, figure_dir: Path) -> str:
    """The paper's PNG figures, embedded."""
    pngs = sorted(figure_dir.glob("*.png")) if figure_dir.is_dir() else []
    if not pngs:
        return f'<p class="muted">No figures in {_esc(figure_dir)} (run <code>theorylab figures {_esc(paper.slug)}</code>).</p>'
    items = []
    for png in pngs:
        data = base64.b64encode(png.read_bytes()).decode()
        text = read_caption(png)
        caption = (f"<b>{_esc(png.stem.replace('_', ' '))}.</b> {_esc(text)}" if text
                   else _esc(png.stem.replace("_", " ")))
        items.append(f'<figure id="fig-{_esc(paper.slug)}-{_esc(png.stem)}"><img alt="{_esc(png.stem)}" '
                     f'src="data:image/png;base64,{data}"><figcaption>{caption}</figcaption></figure>')
    return "".join(items)


def state_counts(verdicts: Iterable[Verdict]) -> dict[str, int]:
    """How many verdicts are in each state (agrees, inconclusive, disagrees, error)."""
    counts = {"agrees": 0, "inconclusive": 0, "disagrees": 0, "error": 0}
    for v in verdicts:
        counts[v.state] += 1
    return counts


def _summary_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {state}" for state, n in counts.items() if n or state == "agrees")


def summary_table(verdicts: Sequence[Verdict], papers: dict[str, Paper], mutation: dict | None) -> str:
    """Per paper: the claims' states and, when mutants were run, the mutation score."""
    rows = []
    for slug in papers:
        counts = state_counts(v for v in verdicts if v.claim.paper == slug)
        score = "-"
        if mutation and slug in mutation:
            m = mutation[slug]
            score = f"{m['killed']} of {m['total']} mutants killed"
            if m["survivors"]:
                score += f' (<span class="fail">survived: {_esc(", ".join(m["survivors"]))}</span>)'
        rows.append(f'<tr><td><a href="#{_esc(slug)}">{_esc(slug)}</a></td><td>{counts["agrees"]}</td>'
                    f'<td>{counts["inconclusive"]}</td><td>{counts["disagrees"] + counts["error"]}</td><td>{score}</td></tr>')
    return ('<table id="summary"><tr><th>paper</th><th>agrees</th><th>inconclusive</th><th>disagrees / error</th>'
            f'<th>mutation score</th></tr>{"".join(rows)}</table>')


def mutation_section(slug: str, mutation: dict | None) -> str:
    """One paper's kill matrix (mutant x claim) as a table."""
    if not mutation or slug not in mutation:
        return ""
    m = mutation[slug]
    head = "".join(f"<th>{_esc(c)}</th>" for c in m["claims"])
    rows = []
    for mutant in m["mutants"]:
        cells = "".join(f"<td>{_esc(_MUTANT_CELL.get(mutant['states'].get(c), ''))}</td>" for c in m["claims"])
        verdict = '<span class="pass">killed</span>' if mutant["killed"] else '<span class="fail">SURVIVED</span>'
        rows.append(f"<tr><td><b>{_esc(mutant['mutant'])}</b><br><span class=\"muted\">{_esc(mutant['description'])}</span>"
                    f"</td>{cells}<td>{verdict}</td></tr>")
    return (f'<h3>Mutants: {m["killed"]} of {m["total"]} killed</h3><table class="mutants"><tr><th>mutant</th>{head}'
            f'<th></th></tr>{"".join(rows)}</table><p class="muted">killed = the claim is not in state agrees '
            "under the mutant (disagrees, inconclusive or error); blank = the claim does not read the mutated experiment.</p>")


_MUTANT_CELL = {"disagrees": "killed", "inconclusive": "killed (inconclusive)", "error": "killed (error)",
                "agrees": "survived"}


_FILTER = ('<p class="filter">Show: <select id="state-filter"><option value="">every state</option>'
           '<option>agrees</option><option>inconclusive</option><option>disagrees</option><option>error</option>'
           '</select></p>')

# Hides the claim rows (and empty paper sections) that do not match the chosen state; no network.
_SCRIPT = """
document.getElementById('state-filter').addEventListener('change', function (e) {
  var want = e.target.value;
  document.querySelectorAll('section.paper').forEach(function (section) {
    var shown = 0;
    section.querySelectorAll('tr[data-state]').forEach(function (row) {
      var ok = !want || row.dataset.state === want;
      row.style.display = ok ? '' : 'none';
      if (ok) { shown += 1; }
    });
    section.style.display = shown ? '' : 'none';
  });
});
"""


def render(verdicts: Sequence[Verdict], papers: dict[str, Paper], figures_root: Path, *, profile: str,
           mutation: dict | None = None, explorations: dict | None = None) -> str:
    """The whole page as a string (``mutation``: ``{slug: PaperMutation.to_dict()}``; ``explorations``:
    ``{claim name: stored exploration}``, from :func:`theorylab.domains.load_explorations`)."""
    from theorylab.forest import forest_svg

    counts = state_counts(verdicts)
    sections = []
    for slug, paper in papers.items():
        mine = [v for v in verdicts if v.claim.paper == slug]
        sections.append(f'<section class="paper" data-paper="{_esc(slug)}"><h2 id="{_esc(slug)}">{_esc(paper.title)}</h2>'
                        f'<p>{_esc(paper.citation)} '
                        f'{f"<a href={chr(34)}{_esc(paper.url)}{chr(34)}>{_esc(paper.url)}</a>" if paper.url else ""}</p>'
                        f'<p class="summary">{_esc(_summary_text(state_counts(mine)))}</p>'
                        + forest_svg(mine) + claims_table(mine, papers, explorations)
                        + mutation_section(slug, mutation) + figures_section(paper, figures_root / slug) + "</section>")
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>theorylab report</title>"
            f"<style>{_CSS}</style></head><body><h1>theorylab verification report</h1>"
            f'<p class="muted">profile {_esc(profile)}, generated {stamp}</p>'
            f'<p class="summary"><b>{counts["agrees"]} of {len(verdicts)}</b> claims agree with their prediction and reject '
            f"every negative control ({_esc(_summary_text(counts))}). A law agrees when the estimate's whole 95% "
            "interval lies in its band, disagrees when it lies wholly outside, and is inconclusive otherwise; "
            "separation is the gap between the interval and the nearest rival's band, in interval widths.</p>"
            f"{summary_table(verdicts, papers, mutation)}{_FILTER}<div id=\"claims\">{''.join(sections)}</div>"
            f"<h2>Provenance of this report</h2><pre>{_esc(json.dumps(provenance(), indent=1))}</pre>"
            f"<script>{_SCRIPT}</script></body></html>")


def write_report(verdicts: Sequence[Verdict], papers: dict[str, Paper], out_dir: Path | str,
                 figures_root: Path | str = "figures", *, profile: str = "quick", mutation: dict | None = None,
                 explorations: dict | None = None) -> Path:
    """Write ``out_dir/index.html`` and return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    path.write_text(render(verdicts, papers, Path(figures_root), profile=profile, mutation=mutation,
                                explorations=explorations), encoding="utf-8")
    return path


def papers_of(verdicts: Iterable[Verdict]) -> list[str]:
    """Paper slugs in the order their claims appear."""
    return list(dict.fromkeys(v.claim.paper for v in verdicts))
