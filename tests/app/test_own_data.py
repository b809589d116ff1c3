"""Your own p_data on the three lessons that take 2-D data (the GAN playground, the D* lesson's 2-D
part, the VAE), driven by AppTest: the panel is there, drawn points and uploaded files become p_data
(said to be a kernel density), and a bad file is refused with a message, leaving everything as it was.

Brushing a rectangle on the canvas needs a browser; here the drawn points are put in the page's
state directly, as "Add a cluster here" would."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lab.data import own, toy
from lab.ui import own_data
from tests.app.pages import open_page, opened_with, run_line
from tests.unit.test_own_data import BAD_FILES

# page file -> (run name, data selector key, marker of the run line)
LESSONS = {
    "pages/gan_playground.py": ("gan_playground", "data", " · k = "),
    "pages/optimal_d.py": ("optimal_d_2d", "data", " · k = "),
    "pages/vae_latent.py": ("vae", "vae_data", " · z in R^"),
}
KEYS = (own_data.ADD, own_data.UNDO, own_data.CLEAR, own_data.USE)


def _open(page: str) -> AppTest:
    at = open_page(page)
    if page == "pages/optimal_d.py":
        at.radio(key="part").set_value("2-D: a learned generator").run()
        assert not at.exception, at.exception
    return at


def _drawn(n: int = 60) -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.concatenate([own.cluster(-2, -1, -2, -1, n // 2, rng), own.cluster(1, 2, 0, 2, n // 2, rng)])


def _show(at: AppTest) -> None:
    """Press "Your own data": the dialog opens."""
    at.button(key=own_data.OPEN).click().run()
    assert not at.exception, at.exception


def _draw(at: AppTest, run: str, points: np.ndarray) -> None:
    """Points on the canvas, as if drawn, and the dialog open."""
    at.session_state[f"own_{run}"] = own_data.Drawing(points=points)
    _show(at)


def _on_canvas(at: AppTest) -> int:
    """The number of points the canvas's caption says it holds."""
    said = next(c.value for c in at.caption if " points on the canvas" in c.value)
    return int(said.split(" points")[0].replace(",", ""))


def _data(at: AppTest, page: str):
    return at.selectbox(key=LESSONS[page][1]).value


@pytest.mark.parametrize("page", LESSONS)
def test_the_panel_opens_from_under_the_data_selector(page):
    at = _open(page)
    assert not any(b.key == own_data.ADD for b in at.button)  # closed until asked for
    _show(at)
    assert at.file_uploader(key=own_data.UPLOAD).label == "Upload a CSV of 2-D points"
    buttons = {key: at.button(key=key) for key in KEYS}
    assert buttons[own_data.ADD].disabled  # nothing brushed yet
    assert buttons[own_data.USE].disabled and buttons[own_data.UNDO].disabled  # nothing drawn yet
    assert any(s.key == own_data.SIZE for s in at.slider)
    charts = [c for c in at.get("vega_lite_chart") if '"brush"' in c.proto.spec]
    assert len(charts) == 1  # the canvas, with its brush


@pytest.mark.parametrize("page", LESSONS)
def test_drawn_points_become_p_data_said_to_be_a_kernel_density(page):
    run, key, marker = LESSONS[page]
    at = _open(page)
    _draw(at, run, _drawn())
    assert not at.button(key=own_data.USE).disabled
    at.button(key=own_data.USE).click().run()
    assert not at.exception, at.exception
    name = own.name_of(_drawn())
    assert _data(at, page) == name
    assert run_line(at, marker).startswith("Your data: 60 points (kernel density, h = ")
    said = " ".join(c.value for c in at.sidebar.caption)
    assert "p_data is a kernel density estimate of your 60 points" in said and "h = " in said
    at.selectbox(key=key).set_value("moons" if page != "pages/vae_latent.py" else "spiral").run()
    assert toy.get(name).title in at.selectbox(key=key).options  # the own data stays a choice
    at.selectbox(key=key).set_value(name).run()
    assert run_line(at, marker).startswith("Your data: 60 points")


def test_clear_and_undo_change_the_canvas_not_the_data():
    at = _open("pages/gan_playground.py")
    _draw(at, "gan_playground", _drawn())
    at.button(key=own_data.CLEAR).click().run()
    assert _on_canvas(at) == 0
    assert at.button(key=own_data.USE).disabled
    at.button(key=own_data.UNDO).click().run()
    assert _on_canvas(at) == 60
    assert _data(at, "pages/gan_playground.py") == "ring8"


def test_an_uploaded_file_becomes_p_data_and_lands_on_the_canvas():
    at = _open("pages/gan_playground.py")
    _show(at)
    at.file_uploader(key=own_data.UPLOAD).set_value(("mine.csv", b"x,y\n0,0\n1,1\n2,0\n1,-1\n", "text/csv"))
    at.run()
    assert not at.error and not at.exception
    assert _data(at, "pages/gan_playground.py").startswith("own-")
    assert run_line(at, " · k = ").startswith("Your data: 4 points (kernel density")
    assert not any(b.key == own_data.ADD for b in at.button)  # done: the dialog closed
    _show(at)
    assert _on_canvas(at) == 4


def test_an_upload_far_from_the_plane_is_moved_in_and_the_page_says_so():
    at = _open("pages/vae_latent.py")
    _show(at)
    heights = b"height,weight\n150,50\n190,90\n170,60\n165,72\n"
    at.file_uploader(key=own_data.UPLOAD).set_value(("people.csv", heights, "text/csv")).run()
    assert run_line(at, " · z in R^").startswith("Your data: 4 points")
    assert any("moved and scaled" in c.value for c in at.sidebar.caption)  # said where the data is


BAD = {case: BAD_FILES[case] for case in ("three columns", "a text cell", "NaN", "one point", "a PNG")} | {
    "too large": (
        b"1,2\n" * 300_000,
        "too large",
    ),  # just over the limit (the unit test's 10^7 rows is 40 MB)
}
"""Some of the unit test's bad files (tests/unit/test_own_data.py), through the page."""


@pytest.mark.parametrize("case", BAD)
def test_a_bad_file_shows_an_error_and_changes_nothing(case):
    raw, phrase = BAD[case]
    at = _open("pages/gan_playground.py")
    _draw(at, "gan_playground", _drawn())
    at.button(key=own_data.USE).click().run()
    before = _data(at, "pages/gan_playground.py")
    _show(at)
    at.file_uploader(key=own_data.UPLOAD).set_value(("bad.csv", raw, "text/csv")).run()
    assert not at.exception, at.exception
    message = " ".join(e.value for e in at.error).replace("\\", "")  # the message is shown escaped
    assert phrase in message
    assert _data(at, "pages/gan_playground.py") == before
    assert _on_canvas(at) == 60  # the canvas as it was
    assert run_line(at, " · k = ").startswith("Your data: 60 points")


def test_the_uploader_callback_and_load_csv_agree():
    """The callback hands the file's bytes to load_csv; a bad file leaves the state untouched."""
    at = _open("pages/gan_playground.py")
    _show(at)
    state = at.session_state["own_gan_playground"]
    assert state.error is None and len(state.points) == 0
    at.file_uploader(key=own_data.UPLOAD).set_value(("bad.csv", b"", "text/csv")).run()
    state = at.session_state["own_gan_playground"]
    assert state.error.startswith("The file is empty") and len(state.points) == 0 and not state.used


def test_a_lesson_link_that_locks_the_data_offers_no_own_data():
    at = opened_with("pages/gan_playground.py", {"lock": "data"})
    assert not any(b.key == own_data.OPEN for b in at.button)
