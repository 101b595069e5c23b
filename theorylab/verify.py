"""Finding papers and claims, and checking them."""

from __future__ import annotations

import sys
from typing import Callable, Iterable

from tqdm.auto import tqdm

from theorylab.claims import Claim, Paper, Verdict, evaluate
from theorylab.context import Context
from theorylab.errors import UnknownNameError
from theorylab.registry import load_paper, paper_slugs


def papers(slugs: Iterable[str] | None = None) -> dict[str, Paper]:
    """Papers by slug (all of them by default); each ``paper_checks/<slug>.py`` defines ``PAPER`` and ``CLAIMS``."""
    return {slug: load_paper(slug).PAPER for slug in (paper_slugs() if slugs is None else slugs)}


def paper_claims(slug: str) -> list[Claim]:
    """The claims of one paper, in card order (imports only that paper's module)."""
    return list(load_paper(slug).CLAIMS)


def select_claims(targets: Iterable[str] | None = None) -> list[Claim]:
    """Claims named by ``targets``: ``PAPER`` (all its claims) or ``PAPER:CLAIM``; None for all."""
    targets = list(targets or [])
    if not targets:
        return [claim for slug in paper_slugs() for claim in paper_claims(slug)]
    chosen: list[Claim] = []
    for target in targets:
        slug, _, claim_id = target.partition(":")
        claims = paper_claims(slug)
        if claim_id:
            matching = [c for c in claims if c.id == claim_id]
            if not matching:
                raise UnknownNameError("claim", target, [c.name for c in claims])
            chosen.extend(matching)
        else:
            chosen.extend(claims)
    return chosen


def check(targets: Iterable[str] | str | None = None, *, profile: str = "quick", context: Context | None = None,
          progress: bool = False, on_verdict: Callable[[Verdict], None] | None = None) -> list[Verdict]:
    """Measure and judge claims.

    Parameters
    ----------
    targets : str or iterable of str, optional
        Paper slugs or ``paper:claim`` names; all claims when omitted.
    profile : {"quick", "paper"}
    context : Context, optional
        Reuse an existing context (its store, workers and cached traces).
    progress : bool
        Progress bars on stderr.
    on_verdict : callable, optional
        Called with each verdict as soon as its claim is judged (for streaming output).

    Returns
    -------
    list of Verdict

    Examples
    --------
    >>> import theorylab
    >>> verdicts = theorylab.check("matrix_sensing_overparam")  # doctest: +SKIP
    >>> [v.state for v in verdicts]  # doctest: +SKIP
    ['agrees', 'agrees', ...]
    """
    if isinstance(targets, str):
        targets = [targets]
    claims = select_claims(targets)
    own = context is None
    context = context or Context(profile, progress=progress)
    try:
        verdicts = []
        for claim in tqdm(claims, desc="claims", disable=not progress, file=sys.stderr):
            verdicts.append(evaluate(claim, context))
            if on_verdict is not None:
                on_verdict(verdicts[-1])
        return verdicts
    finally:
        if own:
            context.close()
