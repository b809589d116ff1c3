"""Manual steps and slow motion on every GAN page: sub-steps in the slide's order, the line that
says which one, and D only / G only counting generator steps right."""

import pytest
from streamlit.testing.v1 import AppTest

from lab.gan.figure1 import COMPARISONS
from tests.app.pages import charts, opened_with, step_count

PAGES = {  # page, the link that opens the part with a GAN, and its k (the defaults)
    "mnist_gan": ("pages/mnist_gan.py", {}, 1),
    "optimal_d_2d": ("pages/optimal_d.py", {"part": "2-D: a learned generator"}, 1),
    "saturation": ("pages/saturation.py", {"tab": "Side by side, live"}, 5),
    "figure1": ("pages/figure1.py", {}, 1),  # both runs, in lockstep
}


def _slow_line(at: AppTest) -> str | None:
    return next((m.value for m in at.markdown if m.value.startswith("**Slow motion")), None)


@pytest.mark.parametrize("page", PAGES)
def test_slow_motion_and_manual_steps(page):
    path, params, k = PAGES[page]
    at = opened_with(path, params)
    for number in range(1, 3 * k + 2):
        at.button(key="slow_next").click().run()
        assert not at.exception, at.exception
        line = _slow_line(at)
        assert f"sub-step {number} of {3 * k + 1}" in line, line
        (diagram,) = [c for c in charts(at) if c.proto.alt.startswith("the loop, as a diagram")]
        assert f"Now, sub-step {number} of {3 * k + 1}" in diagram.proto.alt
        if number == 3:
            assert "D's loss on this minibatch" in line
        if page == "mnist_gan" and number in (2, 4):  # the minibatch x and G(z); G(z) before and after
            captions = [img.caption for image in at.get("image") for img in image.proto.imgs]
            assert any("x ~ p_data" in c for c in captions) == (number == 2), captions
            assert any("after G's update" in c for c in captions) == (number == 4), captions
    if page == "figure1":  # one run by default: no word of a second one
        assert "Both runs" not in line
    assert step_count(at) == 1  # the 3k + 1 sub-steps were one generator step
    at.button(key="step_d_only").click().run()
    assert step_count(at) == 1 and _slow_line(at) is None
    at.button(key="step_g_only").click().run()
    assert step_count(at) == 2


def test_figure1_says_both_runs_take_the_sub_step_when_there_are_two():
    at = opened_with("pages/figure1.py", {"f1_compare": COMPARISONS["losses"]})  # links carry labels
    at.button(key="slow_next").click().run()
    assert "Both runs take it" in _slow_line(at)
