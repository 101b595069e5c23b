"""The committed figures: every PNG has the caption its figure function wrote, and every figure a
claim links to exists."""

from pathlib import Path

import pytest

from theorylab.captions import read_caption
from theorylab.verify import papers, select_claims

FIGURES = Path(__file__).resolve().parent.parent / "figures"
PNGS = sorted(FIGURES.glob("*/*.png"))


@pytest.mark.parametrize("png", PNGS, ids=[f"{p.parent.name}/{p.stem}" for p in PNGS])
def test_every_committed_figure_has_a_caption_naming_its_profile(png):
    text = read_caption(png)
    assert text, f"{png} has no caption: pass caption= to theorylab.plotting.save"
    assert "Profile:" in text, text


def test_every_paper_has_figures_and_every_linked_figure_exists():
    for slug, paper in papers().items():
        assert paper.figures is not None and list((FIGURES / slug).glob("*.png")), f"{slug} has no figures"
    for claim in select_claims():
        for name in claim.figures:
            assert (FIGURES / claim.paper / f"{name}.png").is_file(), f"{claim.name} links a missing figure {name}"
