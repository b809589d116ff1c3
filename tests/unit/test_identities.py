"""Every identity and inequality the D* lesson and the playground show, swept over the whole range
of the widgets that feed them (ends included), through the code the pages call, against
independent computations (scipy quadrature, no grid)."""

import math

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.optimize import minimize_scalar
from scipy.special import logsumexp
from scipy.stats import norm

from lab.data import toy
from lab.gan.optimal_d import DConfig, DTrainer, FixedGenerator, d_snapshot, proof_at
from lab.gan.playground import JSD_BANDWIDTH, jsd_grid_size
from lab.gan.theory import jsd, kl, pointwise_value, value_function
from lab.ui.optimal_d_controls import NAMES_1D, RATIOS

# The sidebar's sliders of the 1-D D* lesson, as integers: mean -3..3 by 0.1, std 0.1..2 by 0.05,
# weight of the second component 0.05..0.95 by 0.05.
MEANS = st.integers(-30, 30).map(lambda i: i / 10)
STDS = st.integers(2, 40).map(lambda i: i / 20)
WEIGHTS = st.integers(1, 19).map(lambda i: i / 20)


def _log_density(mixture: toy.GaussianMixture, x: float) -> float:
    return float(logsumexp(np.log(mixture.weights) + norm.logpdf(x, mixture.means[:, 0], mixture.stds)))


def _jsd_by_scipy(p: toy.GaussianMixture, q: toy.GaussianMixture) -> float:
    """JSD = 1/2 KL(p || m) + 1/2 KL(q || m), integrated adaptively piece by piece."""
    centres = np.concatenate([p.means[:, 0], q.means[:, 0]])
    lo, hi = (
        centres.min() - 12 * max(p.stds.max(), q.stds.max()),
        centres.max() + 12 * max(p.stds.max(), q.stds.max()),
    )

    def integrand(x: float) -> float:
        a, b = _log_density(p, x), _log_density(q, x)
        log_m = np.logaddexp(a, b) - math.log(2)
        return 0.5 * math.exp(a) * (a - log_m) + 0.5 * math.exp(b) * (b - log_m)

    breaks = np.sort(np.concatenate([centres, [lo, hi]]))
    return sum(
        quad(integrand, a, b, limit=200)[0] for a, b in zip(breaks[:-1], breaks[1:], strict=False) if b > a
    )


@settings(max_examples=40, deadline=None)
@given(
    data=st.sampled_from(NAMES_1D),
    two=st.booleans(),
    m1=MEANS,
    s1=STDS,
    m2=MEANS,
    s2=STDS,
    w2=WEIGHTS,
    d_steps=st.sampled_from([0, 1, 50]),
)
@example(data="bimodal1d", two=False, m1=3.0, s1=0.1, m2=0.0, s2=0.1, w2=0.05, d_steps=0)
@example(data="bimodal1d", two=True, m1=-3.0, s1=2.0, m2=3.0, s2=0.1, w2=0.95, d_steps=1)
@example(data="trimodal1d", two=False, m1=-3.0, s1=0.1, m2=3.0, s2=2.0, w2=0.5, d_steps=50)
def test_the_d_star_lessons_numbers_at_every_slider_position(data, two, m1, s1, m2, s2, w2, d_steps):
    """V(D*, G) = -log 4 + 2 JSD; 0 <= JSD <= log 2 (and = scipy's); V(D, G) <= V(D*, G); D* in [0, 1]."""
    p_g = FixedGenerator((m1, m2), (s1, s2), (1 - w2, w2)) if two else FixedGenerator((m1,), (s1,), (1.0,))
    trainer = DTrainer(DConfig(data=data, p_g=p_g, width=8, depth=1))
    trainer.step(d_steps)
    snap = d_snapshot(trainer)
    assert 0.0 <= snap.jsd <= math.log(2) + 1e-9
    assert snap.jsd == pytest.approx(_jsd_by_scipy(toy.get(data), p_g.mixture(4.0)), abs=2e-4)
    # V(D*, G) by quadrature of its definition, not through the JSD
    assert value_function(snap.d_star, snap.p_data, snap.p_g, trainer.cell) == pytest.approx(
        snap.value_star, abs=2e-4
    )
    assert snap.value <= snap.value_star + 1e-9
    assert ((0 <= snap.d_star) & (snap.d_star <= 1)).all()
    assert kl(snap.p_g, snap.p_data, trainer.cell) >= 0 and kl(snap.p_data, snap.p_g, trainer.cell) >= 0


@settings(max_examples=40, deadline=None)
@given(a=MEANS, b=MEANS, s1=STDS, s2=STDS, h=st.sampled_from([0.02, JSD_BANDWIDTH, 0.5, 1.0]))
def test_smoothing_both_by_one_kernel_never_raises_the_jsd(a, b, s1, s2, h):
    """The playground's JSD compares p_data and p_G both smoothed by a Gaussian of width h: a lower
    bound on the true JSD, as its caption says (data processing inequality)."""
    x = np.linspace(-10, 10, 40001)
    cell = x[1] - x[0]
    exact = jsd(norm.pdf(x, a, s1), norm.pdf(x, b, s2), cell)
    smoothed = jsd(norm.pdf(x, a, math.hypot(s1, h)), norm.pdf(x, b, math.hypot(s2, h)), cell)
    assert 0 <= smoothed <= exact + 1e-9
    assert exact <= math.log(2) + 1e-9


@pytest.mark.parametrize("name", toy.NAMES_2D)
def test_the_jsd_grid_resolves_the_kernel_on_every_data_set(name):
    """The issue's report: on grid25 the grid's cell (0.11) was wider than the kernel (0.1)."""
    extent = toy.get(name).extent
    assert 2 * extent / jsd_grid_size(extent) <= JSD_BANDWIDTH / 2


@settings(max_examples=60, deadline=None)
@given(
    data=st.sampled_from(NAMES_1D),
    m1=MEANS,
    s1=STDS,
    ratio=st.sampled_from(RATIOS),
    x=st.integers(-100, 100).map(lambda i: i / 20),  # the proof's x slider: -5..5 by 0.05
)
@example(data="bimodal1d", m1=-3.0, s1=0.1, ratio=4.0, x=5.0)
@example(data="bimodal1d", m1=3.0, s1=2.0, ratio=0.25, x=-5.0)
@example(data="bimodal1d", m1=-3.0, s1=0.1, ratio=1.0, x=-5.0)  # the grid once ended at -4: q* 0.17, not 1
def test_the_proofs_maximiser_is_a_over_a_plus_b_at_every_slider_position(data, m1, s1, ratio, x):
    """The page's q* (= D*_r(x), from `d_snapshot`) against a numerical maximiser of
    f(q) = a log q + b log(1 - q), a = r p_data(x), b = p_G(x) (scipy, bounded Brent); a and b at the
    slider's x itself (not at the nearest point of a grid that may not reach it), against scipy's
    normal densities."""
    trainer = DTrainer(DConfig(data=data, p_g=FixedGenerator((m1,), (s1,), (1.0,)), width=8, ratio=ratio))
    proof = proof_at(d_snapshot(trainer), x)
    p_data = toy.get(data)
    components = list(zip(p_data.means[:, 0], p_data.stds, p_data.weights, strict=True))
    assert proof.x == x
    assert proof.a == pytest.approx(
        ratio * sum(w * norm.pdf(x, m, s) for m, s, w in components), rel=1e-9, abs=1e-300
    )
    assert proof.b == pytest.approx(norm.pdf(x, m1, s1), rel=1e-9, abs=1e-300)
    log_a = math.log(ratio) + logsumexp([math.log(w) + norm.logpdf(x, m, s) for m, s, w in components])
    assert proof.q_star == pytest.approx(
        1 / (1 + math.exp(min(700.0, norm.logpdf(x, m1, s1) - log_a))), abs=1e-12
    )
    a, b = proof.a, proof.b
    assume(a + b > 1e-200)  # where both densities underflow, every q is a maximiser
    found = minimize_scalar(
        lambda q: -pointwise_value(np.array([q]), a / (a + b), b / (a + b))[0],
        bounds=(1e-12, 1 - 1e-12),
        method="bounded",
        options={"xatol": 1e-12},
    )
    assert proof.q_star == pytest.approx(found.x, abs=1e-5)
    assert proof.q_star == pytest.approx(a / (a + b), rel=1e-9)
    assert math.isfinite(proof.f_star) and proof.f_star >= max(proof.f) - 1e-12  # nothing drawn is higher
    assert proof.f_star >= proof.value(proof.d) and math.isfinite(proof.value(proof.d))
