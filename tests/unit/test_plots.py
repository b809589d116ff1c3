"""Figure builders: the contour tracer, and Vega-Lite specs that carry the snapshot's data."""

import base64
import io
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image

from lab.gan.optimal_d import DConfig, DTrainer, FixedGenerator, d_snapshot
from lab.gan.playground import playground_snapshot, toy_gan
from lab.gan.trainer import GANConfig
from lab.plots import playground as gan2d
from lab.plots.contour import contour_segments
from lab.plots.optimal_d import d_star_label, densities_chart, gap_chart
from lab.plots.raster import colorize, png_data_url
from lab.plots.vega import PROJECTOR_FONT, PROJECTOR_LINE, for_projector
from lab.ui.projector import _arrow_datasets


def test_contour_of_a_circle_lies_on_the_circle():
    axis = np.linspace(-2, 2, 61)
    xx, yy = np.meshgrid(axis, axis)
    segments = contour_segments(np.hypot(xx, yy), axis, 1.0)
    radii = np.hypot(segments[:, [0, 2]], segments[:, [1, 3]])
    assert len(segments) > 50
    np.testing.assert_allclose(radii, 1.0, atol=2e-3)
    lengths = np.hypot(segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1])
    assert lengths.sum() == pytest.approx(2 * np.pi, rel=0.01)


def test_colorize_hits_the_stops_and_interpolates():
    rgb = colorize(np.array([0.0, 0.25, 0.5, 1.0]), [0.0, 0.5, 1.0], ["#000000", "#ffffff", "#ff0000"])
    assert rgb.tolist() == [[0, 0, 0], [128, 128, 128], [255, 255, 255], [255, 0, 0]]


def test_png_rows_are_flipped_so_y_points_up():
    grid = np.array([[0.0, 0.0], [1.0, 1.0]])  # row 0 is the bottom (low y)
    url = png_data_url(grid, [0.0, 1.0], ["#000000", "#ffffff"])
    image = np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))))
    assert image[0, 0].tolist() == [255, 255, 255] and image[1, 0].tolist() == [0, 0, 0]


def test_no_contour_when_the_level_is_never_crossed():
    assert contour_segments(np.zeros((5, 5)), np.arange(5.0), 0.5).shape == (0, 4)


@pytest.fixture(scope="module")
def snap():
    trainer = toy_gan(GANConfig(width=32, depth=2))
    trainer.step(30)
    return playground_snapshot(trainer, n=200, grid_size=24, n_arrows=20)


def test_field_chart_carries_every_layer(snap):
    spec = gan2d.field_chart(snap)
    data = spec["datasets"]
    assert data["field"]["url"][0].startswith("data:image/png;base64,")
    assert len(data["points"]) == 400 and set(data["points"]["kind"]) == {gan2d.REAL_LABEL, gan2d.FAKE_LABEL}
    assert len(data["arrows"]) == 20
    assert _dataset_names(spec) == {"field", "field_legend", "contour", "manifold", "points", "arrows"}
    json.dumps({k: v for k, v in spec.items() if k != "datasets"})  # the layout is plain JSON


def test_field_chart_hides_unselected_layers(snap):
    spec = gan2d.field_chart(snap, ("real samples",))
    assert _dataset_names(spec) == {"points"}
    assert set(spec["datasets"]["points"]["kind"]) == {gan2d.REAL_LABEL}


def test_loss_and_metric_charts(snap):
    losses = gan2d.loss_chart(snap)["datasets"]["losses"]
    assert set(losses["loss"]) == {"discriminator", "generator"} and len(losses) == 60
    charts = gan2d.metric_charts(snap)
    assert len(charts) == 3  # modes, high quality, JSD on the ring
    assert charts[2]["datasets"]["reference"]["y"].iloc[0] == pytest.approx(np.log(2))


def _dataset_names(spec, inherited=None):
    """Names of the datasets the layers of a (nested) layered spec draw from."""
    own = spec.get("data", inherited)
    if "layer" not in spec:
        return {own["name"]}
    return set().union(*(_dataset_names(layer, own) for layer in spec["layer"]))


def test_d_surface_is_a_plotly_figure_of_the_d_grid(snap):
    fig = gan2d.d_surface(snap)
    assert fig.data[0].type == "surface" and np.asarray(fig.data[0].z).shape == snap.d_grid.shape
    assert fig.data[1].type == "scatter3d" and len(fig.data[1].x) == len(snap.real)


def test_arrows_rescaled_or_at_true_scale(snap):
    def lengths(chart):
        arrows = chart["datasets"]["arrows"]
        return np.hypot(arrows["x2"] - arrows["x"], arrows["y2"] - arrows["y"]).to_numpy()

    gradient = np.linalg.norm(snap.arrows_dir, axis=1)
    rescaled = lengths(gan2d.field_chart(snap))
    assert rescaled.max() == pytest.approx(0.24 * snap.extent, abs=2e-3)
    true = lengths(gan2d.field_chart(snap, true_scale=True))
    np.testing.assert_allclose(true, gan2d.TRUE_SCALE * gradient, atol=2e-3)


def _marks(node, found=None) -> list[dict]:
    found = [] if found is None else found
    if isinstance(node, dict):
        if "mark" in node:
            found.append(node["mark"] if isinstance(node["mark"], dict) else {"type": node["mark"]})
        for key, value in node.items():
            if key not in ("datasets", "mark", "config"):  # config.mark is the defaults, not a mark
                _marks(value, found)
    elif isinstance(node, list):
        for item in node:
            _marks(item, found)
    return found


def test_projector_mode_scales_fonts_and_marks_and_shares_the_data():
    trainer = toy_gan(GANConfig(seed=0))
    snap = playground_snapshot(trainer)
    spec = gan2d.loss_chart(snap)
    before = json.dumps(spec, default=str)
    big = for_projector(spec)
    assert json.dumps(spec, default=str) == before  # the page's spec is left as it was
    assert big["datasets"] is spec["datasets"]  # the data are shared, not copied
    axis = big["config"]["axis"]
    assert axis["labelFontSize"] == spec["config"]["axis"]["labelFontSize"] * PROJECTOR_FONT
    assert axis["labelColor"] == "#000000"
    pairs = list(zip(_marks(spec), _marks(big), strict=True))
    assert pairs
    for small, large in pairs:
        if small["type"] == "line":
            assert large["strokeWidth"] == small.get("strokeWidth", 2.0) * PROJECTOR_LINE
        if small["type"] in ("circle", "point"):
            assert large["size"] == small.get("size", 30.0) * PROJECTOR_LINE**2


def test_projector_mode_on_every_mark_kind():
    spec = {
        "layer": [
            {"mark": "line"},
            {"mark": {"type": "rule", "strokeWidth": 1.5}},
            {"mark": {"type": "circle", "size": 10}},
            {"mark": {"type": "line", "point": {"size": 20}}},
            {"mark": {"type": "text", "fontSize": 12}},
            {"mark": "area"},
        ]
    }
    marks = [layer["mark"] for layer in for_projector(spec)["layer"]]
    assert marks[0] == {"type": "line", "strokeWidth": 4.0}
    assert marks[1]["strokeWidth"] == 3.0 and marks[2]["size"] == 40
    assert marks[3]["point"] == {"size": 80} and marks[4]["fontSize"] == 18
    assert marks[5] == {"type": "area"}


def test_projector_mode_enlarges_a_title_sized_in_the_chart_and_shows_legend_titles_whole():
    spec = {"title": {"text": "D(x), trained", "fontSize": 16}, "layer": [{"mark": "rect"}]}
    big = for_projector(spec)
    assert big["title"]["fontSize"] == 16 * PROJECTOR_FONT and spec["title"]["fontSize"] == 16
    assert big["config"]["legend"]["titleLimit"] == big["config"]["legend"]["labelLimit"] == 0


def test_live_charts_reach_streamlit_as_arrow_tables_with_the_same_data(snap):
    """What `projector.chart` hands to Streamlit: every DataFrame of the spec as an Arrow table of
    the same columns and values (the layout untouched); a frame Arrow cannot type stays a frame."""
    spec = gan2d.field_chart(snap)
    spec["datasets"]["mixed"] = pd.DataFrame({"v": [1, "one"]})
    sent = _arrow_datasets(spec)
    assert {k: v for k, v in sent.items() if k != "datasets"} == {
        k: v for k, v in spec.items() if k != "datasets"
    }
    for name, frame in spec["datasets"].items():
        if name == "mixed":
            assert sent["datasets"][name] is frame
            continue
        table = sent["datasets"][name]
        assert isinstance(table, pa.Table) and table.column_names == list(frame.columns)
        pd.testing.assert_frame_equal(table.to_pandas(), frame.reset_index(drop=True), check_dtype=False)


def test_the_latent_pictures_follow_means_far_beyond_the_prior():
    """β = 0, lr 0.1: μ(x) in the tens of thousands. The window widens to hold them (never blank),
    and the page says so; inside the prior's ±4 it stays ±4."""
    from types import SimpleNamespace

    from lab.plots.vae import PRIOR_REACH, aggregate_chart, latent_chart, reach

    rng = np.random.default_rng(0)
    for scale, expected in ((1.0, PRIOR_REACH), (30.0, 128.0), (19_259.0, 65_536.0)):
        mu = scale * rng.standard_normal((300, 2))
        assert reach(mu) == expected and np.mean(np.abs(mu) <= reach(mu)) >= 0.99
        snap = SimpleNamespace(mu=mu, logvar=np.zeros_like(mu), labels=np.arange(300) % 10, z_samples=mu)
        spec, how = latent_chart(snap, [0])
        domain = spec["layer"][1]["encoding"]["x"]["scale"]["domain"]
        assert domain == [-expected, expected] and (("beyond the prior" in how) == (expected > PRIOR_REACH))
        bins = aggregate_chart(snap, 0)["datasets"]["bins"]
        assert bins["density"].sum() * (bins["hi"] - bins["lo"]).iloc[0] == pytest.approx(1.0, abs=0.02)
    assert reach(np.array([np.nan, np.inf])) == PRIOR_REACH  # a diverged run: no window from nothing


def test_figure1s_axis_holds_a_collapsed_p_g_whole():
    """A p_G spike taller than D's [0, 1] is drawn whole: the axis follows it up, in halves."""
    import dataclasses

    from lab.gan.figure1 import Figure1Config, figure1_runs, figure1_snapshot
    from lab.plots.figure1 import figure1_chart

    panel = figure1_snapshot(figure1_runs(Figure1Config(width=8)))[0]
    for peak, top in ((0.4, 1.05), (2.3, 2.5), (7.0, 7.5)):
        spiky = dataclasses.replace(panel, p_g=panel.p_g / panel.p_g.max() * peak)
        spec = figure1_chart(spiky)
        domain = next(
            layer["encoding"]["y"]["scale"]["domain"]
            for layer in spec["layer"]
            if layer["encoding"]["y"].get("scale")
        )
        assert domain[1] == top and domain[1] >= max(peak, spiky.p_data.max())


def test_a_charts_description_says_its_marks_axes_values_and_latest_step():
    import pandas as pd

    from lab.plots.vega import description

    spec = {
        "layer": [
            {
                "mark": {"type": "line"},
                "encoding": {"x": {"field": "step", "title": "step"}, "y": {"field": "loss"}},
            },
            {"mark": "point", "encoding": {"x": {"field": "step"}, "y": {"field": "loss"}}},
        ],
        "datasets": {"curve": pd.DataFrame({"step": [0, 100, 2400], "loss": [1.0, 0.8, 0.7]})},
    }
    assert (
        description("D loss", spec)
        == "D loss: lines and points of loss against step; 3 values, up to step 2,400"
    )
    assert description("empty", {}) == "empty: a chart"


def test_every_curve_template_carries_a_tooltip_of_its_axes():
    from lab.plots.vega import with_tooltips

    spec = with_tooltips(
        {
            "layer": [
                {
                    "mark": "line",
                    "encoding": {
                        "x": {"field": "step", "type": "quantitative", "title": "step"},
                        "y": {"field": "loss", "type": "quantitative"},
                    },
                },
                {"mark": "rule", "encoding": {"y": {"datum": 1.386}}},
            ]
        }
    )
    line, rule = spec["layer"]
    assert [t["title"] for t in line["encoding"]["tooltip"]] == ["step", "loss"]
    assert line["mark"] == {"type": "line", "point": {"opacity": 0, "size": 60}}  # points to hover
    assert "tooltip" not in rule["encoding"]


def test_the_class_answers_chart_holds_each_choices_count_and_share():
    from lab.plots.classroom import answers_chart

    spec = answers_chart(("left", "middle", "right"), (1, 3, 0), 1)
    (rows,) = spec["datasets"].values()
    assert [(r["choice"], r["students"]) for r in rows] == [
        ("(1) left", 1),
        ("(2) middle", 3),
        ("(3) right", 0),
    ]
    assert [r["share"] for r in rows] == [0.25, 0.75, 0.0]
    assert [r["what the run shows"] for r in rows] == ["another", "this", "another"]
    assert answers_chart(("a", "b"), (0, 0), None)["datasets"]  # nobody answered yet: no 0/0


def test_on_a_dark_page_grey_ink_turns_light_and_a_heat_maps_marks_keep_theirs():
    from lab.plots.vega import on_dark

    lines = {
        "layer": [{"mark": {"type": "rule", "color": "#222222"}}, {"mark": "line", "encoding": {}}],
        "config": {"axis": {"labelColor": "#000000"}},
        "encoding": {"color": {"scale": {"range": ["#e66101", "#0877bd", "#000000"]}}},
        "datasets": {"d": [{"c": "#000000"}]},
    }
    dark = on_dark(lines)
    assert (
        dark["layer"][0]["mark"]["color"] == "#dddddd" and dark["config"]["axis"]["labelColor"] == "#ffffff"
    )
    assert dark["encoding"]["color"]["scale"]["range"] == ["#e66101", "#0877bd", "#ffffff"]  # colours kept
    assert dark["datasets"] is lines["datasets"]  # data are data, not ink
    field = {
        "layer": [{"mark": "image"}, {"mark": {"type": "line", "color": "#222222"}}],
        "config": lines["config"],
    }
    dark = on_dark(field)
    assert (
        dark["layer"][1]["mark"]["color"] == "#222222" and dark["config"]["axis"]["labelColor"] == "#ffffff"
    )


P_G_MEANS = st.floats(-3.0, 3.0)  # the sidebar's sliders for p_G, ends included
P_G_STDS = st.floats(0.1, 2.0)


@settings(max_examples=40, deadline=None)
@given(
    data=st.sampled_from(["gaussian1d", "bimodal1d", "trimodal1d"]),
    means=st.lists(P_G_MEANS, min_size=1, max_size=2),
    stds=st.tuples(P_G_STDS, P_G_STDS),
    second=st.floats(0.05, 0.95),
    steps=st.sampled_from([0, 200]),
)
@example(data="gaussian1d", means=[3.0, -3.0], stds=(0.1, 2.0), second=0.95, steps=0)
def test_the_d_star_charts_draw_every_curve_as_the_grid_holds_it(data, means, stds, second, steps):
    """The 1-D D* charts draw a share of the grid's points: read back from the chart, each curve,
    joined by straight lines, is within 0.5 % of its top (of 1 for D and D*) of its value at every
    grid point, whatever p_G the sliders make."""
    weights = (1.0,) if len(means) == 1 else (1 - second, second)
    config = DConfig(data=data, p_g=FixedGenerator(tuple(means), stds[: len(means)], weights))
    trainer = DTrainer(config)
    trainer.step(steps)
    snap = d_snapshot(trainer)
    frames = densities_chart(snap)["datasets"]
    star = d_star_label(config.ratio)
    shown = {
        "p_data": (frames["densities"], "p_data", snap.p_data, snap.p_data.max()),
        "p_G": (frames["densities"], "p_G", snap.p_g, snap.p_g.max()),
        "D": (frames["discriminators"], "D (trained)", snap.d, 1.0),
        "D*": (frames["discriminators"], star, snap.d_star, 1.0),
    }
    for name, (frame, which, grid, top) in shown.items():
        curve = frame[frame["which"] == which]
        ends = curve["x"].iloc[[0, -1]]
        np.testing.assert_allclose(ends, snap.x[[0, -1]], atol=1e-5, err_msg=name)  # the whole grid's reach
        joined = np.interp(snap.x, curve["x"], curve["value"])
        assert np.abs(joined - grid).max() <= 0.005 * top + 1e-5, name  # + the chart's rounding to 5 places


def test_at_the_lessons_defaults_the_d_star_charts_draw_a_quarter_of_the_grid():
    """The point of drawing fewer: at every data set's defaults the browser gets 251 of 1,000 points."""
    for data in ("gaussian1d", "bimodal1d", "trimodal1d"):
        snap = d_snapshot(DTrainer(DConfig(data=data)))
        frames = densities_chart(snap)["datasets"]
        assert len(snap.x) == 1000 and len(frames["densities"]) == 2 * 251, data
        assert len(gap_chart(snap)["datasets"]["gap"]) == 251, data
