"""A student's own p_data (lab.data.own): every bad file refused with its own message, good files
read exactly, the kernel density against a direct sum and quadrature, the server's store, and the
three lessons training on it."""

import math
import threading

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from lab.data import mixture, own, toy
from lab.gan.optimal_d import InnerLoopConfig, d_star_snapshot, inner_loop_gan
from lab.gan.playground import playground_snapshot, toy_gan
from lab.gan.trainer import GANConfig
from lab.plots import playground as playground_plots
from lab.ui.run_line import run_line
from lab.vae.trainer import VAEConfig, VAETrainer, vae_snapshot

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
BAD_FILES = {
    "one column": (b"x\n1\n2\n3\n", "Line 1 has 1 column:"),
    "three columns": (b"1,2,3\n4,5,6\n", "Line 1 has 3 columns:"),
    "a ragged row": (b"1,2\n3,4\n5,6,7\n", "Line 3 has 3 columns:"),
    "a header of three names": (b"x,y,z\n1,2\n3,4\n", "Line 1 has 3 columns:"),
    "a text cell": (b"x,y\n1,2\n3,abc\n", "Line 3, column 2 is not a number"),
    "text in the first row": (b"1,abc\n3,4\n", "Line 1, column 2 is not a number"),
    "an empty cell": (b"1,2\n,4\n", "Line 2, column 1 is not a number"),
    "NaN": (b"1,2\nnan,3\n", "Line 2, column 1 is NaN"),
    "inf": (b"1,2\n3,-inf\n", "Line 2, column 2 is infinite"),
    "an overflowing number": (b"1,2\n1e999,3\n", "Line 2, column 1 is infinite"),
    "empty": (b"", "The file is empty"),
    "only blank lines": (b"\n  \r\n\n", "The file is empty"),
    "only a header": (b"x,y\n", "a header but no points"),
    "one point": (b"x,y\n1,2\n", "only 1 point"),
    "identical points": (b"1,2\n1,2\n1.0,2.0\n", "All the points are the same point"),
    "too many points": (b"1,2\n3,4\n" * 1500, "has 3,000 points: at most 2,000"),
    "10^7 rows": (b"1,2\n" * 10**7, "too large (38.1 MB)"),
    "NUL bytes": (b"1,2\n\x003,4\n", "This is not a text file:"),
    "a PNG": (PNG, "This is not a text file:"),
    "random bytes": (np.random.default_rng(0).bytes(4096), "This is not a text file:"),
    "Latin-1 text": ("x,y\n1,2\n3,4 é\n".encode("latin-1"), "not UTF-8 text"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_with_its_own_message(case):
    raw, phrase = BAD_FILES[case]
    with pytest.raises(ValueError) as refused:
        own.parse_points(raw)
    message = str(refused.value)
    assert phrase in message
    others = [p for c, (_, p) in BAD_FILES.items() if c != case and p not in phrase and phrase not in p]
    assert not any(p in message for p in others), "each case has its own message"
    assert "abc" not in message and "nan" not in message.lower().replace("is nan", "")  # never echoed


def test_ten_million_rows_are_refused_by_size_before_parsing():
    raw = b"1,2\n" * 10**7
    with pytest.raises(ValueError, match="too large"):  # the size check's message: nothing was decoded
        own.parse_points(raw)


def test_just_under_the_byte_cap_too_many_rows_are_refused_before_the_numbers_are_read():
    raw = b"1,2\n" * (own.MAX_BYTES // 4)  # 262,144 rows, 1 MB
    with pytest.raises(ValueError, match="262,144 points"):  # counted by rows, before any number is read
        own.parse_points(raw)


GOOD_FILES = {
    "with a header": b"x,y\n0,0\n1.5,-2\n3,4e-1\n",
    "without a header": b"0,0\n1.5,-2\n3,0.4\n",
    "with spaces": b"  x , y \n 0 , 0\n1.5 ,\t-2 \n 3,   0.4\n",
    "with Windows line endings": b"x,y\r\n0,0\r\n1.5,-2\r\n3,0.4\r\n",
    "with a byte order mark": b"\xef\xbb\xbfx,y\n0,0\n1.5,-2\n3,0.4\n",
    "separated by spaces": b"0 0\n1.5 -2\n3 0.4\n",
    "separated by semicolons": b"x;y\n0;0\n1.5;-2\n3;0.4\n",
    "separated by tabs": b"0\t0\n1.5\t-2\n3\t0.4\n",
    "quoted": b'"x","y"\n"0","0"\n"1.5","-2"\n"3","0.4"\n',
    "with blank lines and comments": b"# my points\nx,y\n\n0,0\n1.5,-2\n\n3,0.4\n",
    "in scientific notation": b"0e0,0E0\n15e-1,-2.0\n3,4E-1\n",
}


@pytest.mark.parametrize("case", GOOD_FILES)
def test_a_good_file_parses_to_its_points(case):
    points = own.parse_points(GOOD_FILES[case])
    assert points.dtype == np.float64
    np.testing.assert_array_equal(points, [[0.0, 0.0], [1.5, -2.0], [3.0, 0.4]])


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(finite, finite), min_size=2, max_size=200),
    st.sampled_from([",", ";", "\t", " ", " , "]),
    st.booleans(),
    st.sampled_from(["\n", "\r\n"]),
)
def test_any_finite_point_set_comes_back_from_its_csv_text(rows, separator, header, newline):
    points = np.array(rows, dtype=np.float64)
    assume(np.ptp(points, axis=0).max() > 0)
    lines = (["x" + separator + "y"] if header else []) + [f"{a!r}{separator}{b!r}" for a, b in rows]
    parsed = own.parse_points(newline.join(lines).encode())
    np.testing.assert_array_equal(parsed, points)


def _direct_log_density(x: np.ndarray, points: np.ndarray, h: float) -> np.ndarray:
    """log (1/n) sum_i N(x; x_i, h^2 I), each 2-D Gaussian the product of two 1-D ones (scipy)."""
    dens = norm.pdf(x[:, None, 0], points[None, :, 0], h) * norm.pdf(x[:, None, 1], points[None, :, 1], h)
    return np.log(dens.mean(axis=1))


def _cloud(n: int = 60, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.concatenate(
        [rng.normal([-1, 0.5], 0.3, (n // 2, 2)), rng.normal([1, -1], [0.5, 0.2], (n // 2, 2))]
    )


def _leave_one_out(points: np.ndarray, h: float) -> float:
    """mean_i log of the kernel density at x_i of the points other than x_i and its copies, point by point."""
    total = 0.0
    for x in points:
        others = points[(points != x).any(axis=1)]
        dens = norm.pdf(x[0], others[:, 0], h) * norm.pdf(x[1], others[:, 1], h)
        total += math.log(dens.mean())
    return total / len(points)


def test_scotts_rule_uses_the_pooled_std():
    points = _cloud()
    sigma = math.sqrt((np.var(points[:, 0], ddof=1) + np.var(points[:, 1], ddof=1)) / 2)
    assert own.scott(points) == pytest.approx(sigma * len(points) ** (-1 / 6))


def test_the_bandwidth_maximises_the_leave_one_out_likelihood():
    points = _cloud(n=40)
    h = own.bandwidth(points)
    candidates = np.geomspace(own.H_MIN, own.scott(points), own.BANDWIDTHS)
    scores = [_leave_one_out(points, c) for c in candidates]
    assert h == pytest.approx(candidates[int(np.argmax(scores))])
    assert own.H_MIN < h < own.scott(points)  # the two clusters keep their own width


def test_the_bandwidth_of_one_round_blob_is_about_scotts_and_of_clusters_far_smaller():
    rng = np.random.default_rng(0)
    blob = rng.normal(size=(500, 2))
    assert own.bandwidth(blob) == pytest.approx(own.scott(blob), rel=0.15)
    clusters = np.concatenate([own.cluster(-3, -2, -3, -2, 100, rng), own.cluster(2, 3, 2, 3, 100, rng)])
    assert own.bandwidth(clusters) < own.scott(clusters) / 3


def test_copies_of_points_do_not_shrink_the_bandwidth_to_nothing():
    points = _cloud()
    twice = np.concatenate([points, points])
    assert own.bandwidth(twice) == pytest.approx(own.bandwidth(points), rel=0.15)
    assert own.bandwidth(np.array([[0.0, 0.0], [1e-4, 0.0]])) == own.H_MIN  # Scott's rule below the floor


def test_a_large_set_chooses_its_bandwidth_between_the_floor_and_scotts_rule():
    points = np.random.default_rng(0).normal(size=(own.MAX_POINTS, 2))
    assert own.H_MIN < own.bandwidth(points) <= own.scott(points)


def test_the_kernel_density_equals_a_direct_sum():
    points = _cloud()
    dist = own.kernel_density(points)
    h = own.bandwidth(points)
    x = np.random.default_rng(1).uniform(-3, 3, (200, 2))
    np.testing.assert_allclose(dist.log_prob(x).numpy(), _direct_log_density(x, points, h), rtol=1e-10)
    assert dist.std == pytest.approx(h) and not dist.has_modes
    assert dist.title.startswith("Your data: 60 points") and f"h = {h:.2g}" in dist.title


def test_the_kernel_density_integrates_to_one_over_its_extent():
    dist = own.kernel_density(_cloud())
    cell = dist.std / 4
    axis = np.arange(-dist.extent, dist.extent, cell) + cell / 2
    xx, yy = np.meshgrid(axis, axis)
    total = dist.log_prob(np.stack([xx.ravel(), yy.ravel()], axis=1)).exp().sum().item() * cell**2
    assert total == pytest.approx(1.0, abs=5e-3)  # a margin of 3h keeps all but a few thousandths


def test_the_extent_holds_every_point_with_a_margin():
    points = _cloud()
    dist = own.kernel_density(points)
    assert np.abs(points).max() + min(3 * dist.std, 1.5) <= dist.extent <= np.abs(points).max() + 2.0


def test_samples_of_the_kernel_density_have_its_mean_and_variance():
    points = _cloud()
    dist = own.kernel_density(points)
    x = dist.sample(200_000, torch.Generator().manual_seed(0)).double().numpy()
    np.testing.assert_allclose(x.mean(axis=0), points.mean(axis=0), atol=0.01)
    np.testing.assert_allclose(x.var(axis=0), points.var(axis=0) + dist.std**2, rtol=0.02)


def test_log_prob_in_chunks_equals_log_prob_at_once(monkeypatch):
    ring = toy.get("ring8")
    x = np.random.default_rng(2).normal(size=(1000, 2))
    whole = ring.log_prob(x)
    monkeypatch.setattr(mixture, "LOG_PROB_CHUNK", 8 * 37)  # 37 points at a time
    torch.testing.assert_close(ring.log_prob(x), whole, rtol=1e-12, atol=1e-12)
    assert ring.log_prob(np.zeros((0, 2))).shape == (0,)


def test_points_in_the_plane_are_kept_and_others_moved_in_with_their_shape():
    points = _cloud()
    kept, note = own.fit_to_plane(points)
    assert kept is points and note == ""
    heights = np.array([[150.0, 50.0], [190.0, 90.0], [170.0, 60.0]])  # cm and kg
    fitted, note = own.fit_to_plane(heights)
    assert np.abs(fitted).max() == pytest.approx(own.FIT_HALF) and "moved and scaled" in note
    distances = np.linalg.norm(heights[:, None] - heights[None], axis=-1)
    moved = np.linalg.norm(fitted[:, None] - fitted[None], axis=-1)
    np.testing.assert_allclose(moved, distances * moved[0, 1] / distances[0, 1])  # one scale for both axes
    tiny, _ = own.fit_to_plane(np.array([[0.0, 0.0], [1e-3, 2e-3]]))
    assert np.ptp(tiny, axis=0).max() == pytest.approx(2 * own.FIT_HALF)
    with pytest.raises(ValueError, match="same point"):
        own.fit_to_plane(np.array([[5e-324, 0.0], [0.0, 0.0]]))


def test_register_and_toy_get_round_trip():
    points = _cloud(seed=3)
    name = own.register(points)
    assert name.startswith("own-") and len(name) == 16 and own.is_own(name)
    assert own.register(points.copy()) == name  # content-addressed
    assert own.register(points + 0.5) != name
    rounded = points.astype(np.float32).astype(np.float64)
    np.testing.assert_array_equal(own.points_of(name), rounded)
    dist = toy.get(name)
    assert dist.name == name and toy.get(name) is dist  # one shared object while held
    assert dist.title.startswith("Your data: 60 points (kernel density, h = ")
    copy = own.points_of(name)
    copy[0] = 99.0
    np.testing.assert_array_equal(own.points_of(name), rounded)  # the store cannot be changed from outside
    assert run_line(GANConfig(data=name)).startswith(dist.title)
    assert run_line(VAEConfig(data=name, likelihood="gaussian")).startswith(dist.title)


def test_a_name_the_server_does_not_hold_is_a_clear_error():
    with pytest.raises(ValueError, match="no longer on the server: upload it again"):
        toy.get("own-000000000000")
    with pytest.raises(ValueError, match="no longer on the server"):
        GANConfig(data="own-000000000000")


def test_the_store_keeps_the_most_recent_sets_and_those_still_in_use():
    held_name = own.register(_cloud(seed=10))
    held = toy.get(held_name)
    dropped_name = own.register(_cloud(seed=11))
    for seed in range(own.CAPACITY):
        own.register(_cloud(seed=100 + seed))
    assert toy.get(held_name) is held  # a trainer holds it: still there
    with pytest.raises(ValueError, match="no longer on the server"):
        toy.get(dropped_name)
    assert len(own._RECENT) == own.CAPACITY


def test_register_and_resolve_from_many_threads():
    errors, names = [], {}

    def work(seed: int) -> None:
        try:
            for i in range(20):
                points = _cloud(seed=1000 * seed + i % 5)
                name = own.register(points)
                assert toy.get(name).name == name
                names.setdefault((seed, i % 5), set()).add(name)
        except Exception as err:  # collected for the main thread
            errors.append(err)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert all(len(found) == 1 for found in names.values())  # the same points, the same name


def test_register_refuses_what_cannot_be_p_data():
    with pytest.raises(ValueError, match="shape"):
        own.register(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="finite"):
        own.register(np.array([[0.0, 0.0], [np.nan, 1.0]]))
    with pytest.raises(ValueError, match="only 1 point"):
        own.register(np.zeros((1, 2)))
    with pytest.raises(ValueError, match="fit_to_plane"):
        own.register(np.array([[0.0, 0.0], [10.0, 0.0]]))


def test_a_cluster_fills_the_brushed_rectangle():
    rng = np.random.default_rng(0)
    points = own.cluster(1.0, -1.0, 0.5, 2.5, 2000, rng)  # corners in any order
    assert points.shape == (2000, 2)
    assert (points[:, 0] >= -1).all() and (points[:, 0] <= 1).all()
    assert (points[:, 1] >= 0.5).all() and (points[:, 1] <= 2.5).all()
    np.testing.assert_allclose(points.mean(axis=0), [0.0, 1.5], atol=0.03)
    # a Gaussian of std a quarter side truncated at 2 std: std 0.88 of the quarter side
    np.testing.assert_allclose(points.std(axis=0), [0.88 * 0.5, 0.88 * 0.5], rtol=0.05)


def test_a_cluster_in_a_thin_or_outside_rectangle_stays_in_the_plane():
    rng = np.random.default_rng(0)
    thin = own.cluster(0.0, 0.0, -1.0, 1.0, 100, rng)
    assert np.ptp(thin[:, 0]) > 0 and np.abs(thin[:, 0]).max() <= own.MIN_SIDE / 2
    outside = own.cluster(3.5, 9.0, -9.0, -3.9, 100, rng)
    assert np.abs(outside).max() <= own.PLANE
    assert own.register(np.concatenate([thin, outside])).startswith("own-")


SMALL = {"width": 16, "depth": 1, "batch_size": 32}


def _own_name() -> str:
    rng = np.random.default_rng(5)
    points = np.concatenate([own.cluster(-2, -1, -2, 0, 80, rng), own.cluster(0.5, 2.5, 1, 2, 80, rng)])
    return own.register(points)


def test_the_playground_trains_on_own_data_and_shows_only_the_jsd():
    name = _own_name()
    trainer = toy_gan(GANConfig(data=name, **SMALL))
    trainer.step(3)
    snap = playground_snapshot(trainer)
    assert snap.step == 3 and not snap.has_modes and snap.extent == toy.get(name).extent
    assert np.isfinite(snap.d_grid).all() and np.isfinite(snap.arrows_dir).all()
    jsd = snap.evals["jsd"][-1]
    assert 0 < jsd <= math.log(2)
    charts = playground_plots.metric_charts(snap)
    assert len(charts) == 1  # no modes to count: the JSD alone
    assert "Your data: 160 points" in run_line(trainer.config)


def test_the_d_star_lesson_trains_on_own_data():
    name = _own_name()
    trainer = inner_loop_gan(InnerLoopConfig(data=name, **SMALL))
    trainer.step(2)
    snap = d_star_snapshot(trainer, n=500, size=20)
    assert snap.step == 2 and snap.modes.shape == (0, 2)
    assert np.isfinite(snap.d_star[snap.support]).all() and 0 <= snap.gap <= 1


def test_the_vae_trains_on_own_data():
    name = _own_name()
    trainer = VAETrainer(VAEConfig(data=name, likelihood="gaussian", sigma=0.05, width=16))
    trainer.step(3)
    snap = vae_snapshot(trainer)
    assert snap.step == 3 and not snap.is_image
    assert snap.source.startswith("Your data: 160 points (kernel density")
    assert np.isfinite(snap.evals["elbo"]).all() and snap.labels.max() < 160
