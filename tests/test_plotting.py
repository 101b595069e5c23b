"""Figures: saved as PNG and PDF with the caption their figure function wrote."""

from theorylab import plotting
from theorylab.captions import read_caption


def test_save_writes_the_caption_beside_the_png_and_into_its_metadata(tmp_path):
    fig, axes = plotting.figure()
    axes[0, 0].plot([1, 2, 3], [3, 2, 1])
    text = plotting.caption("A line falling", profile="quick", seeds=5, band="10-90% range across seeds")
    assert text == "A line falling. Profile: quick, 5 seeds. Shaded: 10-90% range across seeds."
    paths = plotting.save(fig, tmp_path, "line", caption=text)
    assert [p.name for p in paths] == ["line.png", "line.pdf", "line.caption.txt"]
    assert read_caption(tmp_path / "line.png") == text
    assert b"A line falling" in (tmp_path / "line.png").read_bytes()


def test_a_figure_saved_without_a_caption_has_none(tmp_path):
    fig, _ = plotting.figure()
    plotting.save(fig, tmp_path, "bare")
    assert read_caption(tmp_path / "bare.png") is None
