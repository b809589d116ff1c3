"""Figures of the VAE lesson: curves, the latent space, and what the decoder makes."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE

from lab.plots.palette import FAKE_COLOR, REAL_COLOR
from lab.plots.raster import heatmap_data, heatmap_layers
from lab.plots.vega import template, with_data
from lab.vae.gap import GapAtX
from lab.vae.trainer import VAESnapshot

PART_COLORS = {"ELBO": "#111111", "E_q[log p(x|z)]": REAL_COLOR, "KL(q ‖ p)": FAKE_COLOR}


@template
def _curves_layout(part: str, height: int) -> alt.TopLevelMixin:
    base = alt.Chart(alt.Data(name="curves"), title=alt.TitleParams(part, fontSize=16)).encode(
        x=alt.X("step:Q", title="step"),
        y=alt.Y("value:Q", title="nats per example", scale=alt.Scale(zero=False)),
        color=alt.Color(
            "part:N",
            scale=alt.Scale(domain=list(PART_COLORS), range=list(PART_COLORS.values())),
            legend=None,
        ),
        strokeDash=alt.StrokeDash(
            "set:N",
            scale=alt.Scale(domain=["train", "held out"], range=[[2, 2], [1, 0]]),
            legend=alt.Legend(orient="top", title=None),
        ),
    )
    return base.mark_line(strokeWidth=2.5).properties(height=height, width="container")


RECENT = 0.9
"""Curves show the last RECENT of the run unless asked for all of it: the first steps move the
ELBO by hundreds of nats and would flatten the part that still moves."""


def curves_chart(snap: VAESnapshot, part: str, height: int = 220, full_range: bool = False) -> dict:
    """One ELBO part over training, on training minibatches (dotted) and on held-out data (solid),
    over the last RECENT of the steps (all of them with `full_range`)."""
    key = {"ELBO": "elbo", "E_q[log p(x|z)]": "recon", "KL(q ‖ p)": "kl"}[part]
    train = pd.DataFrame({"step": snap.history["step"], "value": snap.history[key], "set": "train"})
    if len(train) > 50:  # minibatch values are noisy: a running mean over about 2 % of the run
        train["value"] = train["value"].rolling(max(1, len(train) // 50), min_periods=1).mean()
    held = pd.DataFrame({"step": snap.evals["step"], "value": snap.evals[key], "set": "held out"})
    frame = pd.concat([train, held]).assign(part=part)
    if not full_range:
        frame = frame[frame["step"] >= (1 - RECENT) * snap.step]
    return with_data(_curves_layout(part, height), curves=frame)


def latent_frame(snap: VAESnapshot) -> tuple[pd.DataFrame, str]:
    """Posterior means of held-out points in 2-D, and how they were projected (said on screen)."""
    mu = snap.mu
    if mu.shape[1] == 1:
        xy, how = np.stack([mu[:, 0], np.zeros(len(mu))], 1), "1-D latent space (drawn on a line)"
    elif mu.shape[1] == 2:
        xy, how = mu, "the 2-D latent space itself"
    else:
        xy, how = (
            PCA(n_components=2).fit_transform(mu),
            f"a PCA projection of the {mu.shape[1]}-D latent means",
        )
    return pd.DataFrame({"z1": xy[:, 0], "z2": xy[:, 1], "label": snap.labels.astype(str)}), how


def ellipse_frame(snap: VAESnapshot, chosen: list[int], points: int = 48) -> pd.DataFrame:
    """2-sigma ellipses of q(z|x) = N(mu, diag sigma^2) for a few chosen held-out points (2-D latent)."""
    t = np.linspace(0, 2 * np.pi, points)
    rows = []
    for i in chosen:
        sd = np.exp(0.5 * snap.logvar[i, :2])
        rows.append(
            pd.DataFrame(
                {
                    "z1": snap.mu[i, 0] + 2 * sd[0] * np.cos(t),
                    "z2": snap.mu[i, 1] + 2 * sd[1] * np.sin(t),
                    "id": i,
                    "order": np.arange(points),
                }
            )
        )
    return pd.concat(rows) if rows else pd.DataFrame({"z1": [], "z2": [], "id": [], "order": []})


PRIOR_REACH = 4.0
"""The latent pictures' window, ±4: the prior N(0, I) puts all but 0.01 % of each coordinate inside."""


def reach(values: np.ndarray) -> float:
    """Half-width of the window a latent picture shows: the prior's ±4 while 99 % of the finite
    `values` lie inside it, else the first power of two times 4 that holds them (a run with no KL
    pull, β = 0, can put every μ(x) far outside: the picture follows them, it never goes blank)."""
    finite = np.abs(values[np.isfinite(values)])
    far = float(np.percentile(finite, 99)) if finite.size else 0.0
    half_width = PRIOR_REACH
    while half_width < far:
        half_width *= 2
    return half_width


@template
def _latent_layout(size: int, many_labels: bool, half_width: float) -> alt.TopLevelMixin:
    scale = alt.Scale(domain=[-half_width, half_width], nice=False)
    x, y = alt.X("z1:Q", scale=scale, title="z₁"), alt.Y("z2:Q", scale=scale, title="z₂")
    prior = (
        alt.Chart(alt.Data(name="prior"))
        .mark_line(color="#777777", strokeDash=[4, 3], strokeWidth=1.5)
        .encode(x=x, y=y, detail="r:N", order="order:Q")
    )
    color = (
        alt.Color("label:Q", scale=alt.Scale(scheme="viridis"), legend=alt.Legend(title="component"))
        if many_labels
        else alt.Color(
            "label:N", scale=alt.Scale(scheme="category10"), legend=alt.Legend(title="label", columns=2)
        )
    )
    points = alt.Chart(alt.Data(name="points"))
    points = (
        points.mark_circle(size=22, opacity=0.75, clip=True).encode(x=x, y=y, color=color)
        if many_labels
        # each mean drawn as its label's glyph: ten classes apart for every eye, colour only a second cue
        else points.mark_text(fontSize=11, fontWeight="bold", opacity=0.8, clip=True).encode(
            x=x, y=y, color=color, text="label:N"
        )
    )
    ellipses = (
        alt.Chart(alt.Data(name="ellipses"))
        .mark_line(color="#000000", strokeWidth=2, clip=True)
        .encode(x=x, y=y, detail="id:N", order="order:Q")
    )
    return alt.layer(prior, points, ellipses).properties(
        width=size, height=size, autosize=alt.AutoSizeParams(type="pad")
    )


def latent_chart(snap: VAESnapshot, chosen: list[int], size: int = 460) -> tuple[dict, str]:
    """mu(x) of held-out points coloured by label, 2-sigma ellipses of q(z|x) for `chosen`, and the
    prior's 1, 2 and 3-sigma circles (dashed). Returns the spec and how the latent was projected
    (and the window, where the means lie beyond the prior's)."""
    frame, how = latent_frame(snap)
    half_width = reach(frame[["z1", "z2"]].to_numpy())
    if half_width > PRIOR_REACH:
        how += f", axes ±{half_width:g}: the means lie far beyond the prior's ±{PRIOR_REACH:g}"
    many = frame["label"].nunique() > 25
    if many:
        frame["label"] = frame["label"].astype(int)
    t = np.linspace(0, 2 * np.pi, 80)
    prior = pd.concat(
        [
            pd.DataFrame({"z1": r * np.cos(t), "z2": r * np.sin(t), "r": r, "order": np.arange(80)})
            for r in (1, 2, 3)
        ]
    )
    ellipses = ellipse_frame(snap, chosen if snap.mu.shape[1] == 2 else [])
    return with_data(
        _latent_layout(size, many, half_width),
        prior=prior,
        points=frame.round(3),
        ellipses=ellipses.round(3),
    ), how


@template
def _aggregate_layout(height: int, half_width: float) -> alt.TopLevelMixin:
    bars = (
        alt.Chart(alt.Data(name="bins"))
        .mark_rect(color=REAL_COLOR, opacity=0.6)
        .encode(
            x=alt.X("lo:Q", title="z", scale=alt.Scale(domain=[-half_width, half_width])),
            x2="hi:Q",
            y=alt.Y("density:Q", title="density"),
        )
    )
    prior = (
        alt.Chart(alt.Data(name="prior"))
        .mark_line(color="#111111", strokeWidth=2.5)
        .encode(x="z:Q", y="density:Q")
    )
    return alt.layer(bars, prior).properties(height=height, width="container")


def aggregate_chart(snap: VAESnapshot, dim: int, height: int = 180) -> dict:
    """The aggregate posterior q(z_dim) = E_x q(z_dim|x) (a histogram of one draw per held-out x)
    against the prior N(0, 1) (line), over the window `reach` gives these draws."""
    draws = snap.z_samples[:, dim]
    half_width = reach(draws)
    counts, edges = np.histogram(draws[np.isfinite(draws)], bins=40, range=(-half_width, half_width))
    density = counts / (max(counts.sum(), 1) * (edges[1] - edges[0]))
    z = np.linspace(-half_width, half_width, 200)
    return with_data(
        _aggregate_layout(height, half_width),
        bins=pd.DataFrame({"lo": edges[:-1], "hi": edges[1:], "density": density}),
        prior=pd.DataFrame({"z": z, "density": np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)}),
    )


@template
def _toy_decoder_layout(extent: float, size: int) -> alt.TopLevelMixin:
    scale = alt.Scale(domain=[-extent, extent], nice=False)
    x, y = alt.X("x:Q", scale=scale, title="x₁"), alt.Y("y:Q", scale=scale, title="x₂")
    data = (
        alt.Chart(alt.Data(name="held_out"))
        .mark_circle(size=20, opacity=0.85, color=REAL_COLOR, clip=True)
        .encode(x=x, y=y)
    )
    samples = (
        alt.Chart(alt.Data(name="samples"))
        .mark_circle(size=14, opacity=0.35, color=FAKE_COLOR, clip=True)
        .encode(x=x, y=y)
    )
    lines = (
        alt.Chart(alt.Data(name="lines"))
        .mark_line(color="#333333", strokeWidth=1.2, opacity=0.7, clip=True)
        .encode(x=x, y=y, detail="line:N", order="order:Q")
    )
    recon = (
        alt.Chart(alt.Data(name="recon"))
        .mark_rule(color="#e66101", strokeWidth=2, opacity=0.9, clip=True)
        .encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
    )
    return alt.layer(samples, lines, recon, data).properties(
        width=size, height=size, autosize=alt.AutoSizeParams(type="pad")
    )


def toy_decoder_chart(snap: VAESnapshot, extent: float, size: int = 420) -> dict:
    """2-D data: held-out points (blue), samples x ~ p(x|z), z ~ p(z) (magenta), the decoded
    curve f(z) over grid lines of the latent plane (grey), and orange segments from each of 200
    held-out points to its reconstruction E[x|z = mu(x)]."""
    lines, per_line, _ = snap.manifold.shape
    frame = pd.DataFrame(
        {
            "x": snap.manifold[..., 0].ravel(),
            "y": snap.manifold[..., 1].ravel(),
            "line": np.repeat(np.arange(lines), per_line),
            "order": np.tile(np.arange(per_line), lines),
        }
    )
    return with_data(
        _toy_decoder_layout(extent, size),
        held_out=pd.DataFrame(snap.originals, columns=["x", "y"]).round(3),
        samples=pd.DataFrame(snap.prior_samples, columns=["x", "y"]).round(3),
        lines=frame.round(3),
        recon=pd.DataFrame(
            np.hstack([snap.originals, snap.reconstructions]), columns=["x", "y", "x2", "y2"]
        ).round(3),
    )


def tsne_frame(snap: VAESnapshot, n: int = 500, seed: int = 0) -> pd.DataFrame:
    """A t-SNE map of the first n held-out latent means (slow: seconds, so only on demand)."""
    xy = TSNE(n_components=2, init="pca", perplexity=30, random_state=seed).fit_transform(snap.mu[:n])
    xy = 1.5 * (xy - xy.mean(0)) / xy.std(0)  # t-SNE's units mean nothing: scale to the plot
    return pd.DataFrame({"z1": xy[:, 0], "z2": xy[:, 1], "label": snap.labels[:n].astype(str)})


@template
def _tsne_layout(size: int) -> alt.TopLevelMixin:
    return (
        alt.Chart(alt.Data(name="points"))
        .mark_circle(size=22, opacity=0.8)
        .encode(
            x=alt.X("z1:Q", title="t-SNE 1", axis=alt.Axis(labels=False)),
            y=alt.Y("z2:Q", title="t-SNE 2", axis=alt.Axis(labels=False)),
            color=alt.Color(
                "label:N", scale=alt.Scale(scheme="category10"), legend=alt.Legend(title="label", columns=2)
            ),
        )
        .properties(width=size, height=size, autosize=alt.AutoSizeParams(type="pad"))
    )


def tsne_chart(frame: pd.DataFrame, size: int = 420) -> dict:
    return with_data(_tsne_layout(size), points=frame.round(3))


# ----------------------------------------------------------------- the gap, by quadrature
TRUE_COLOR, Q_COLOR = "#e66101", FAKE_COLOR


@template
def _posterior_2d_layout(size: int, window: tuple[float, float, float, float]) -> alt.TopLevelMixin:
    x0, x1, y0, y1 = window
    x = alt.X("x:Q", scale=alt.Scale(domain=[x0, x1], nice=False, zero=False), title="z₁")
    y = alt.Y("y:Q", scale=alt.Scale(domain=[y0, y1], nice=False, zero=False), title="z₂")
    heat = heatmap_layers(x, y, size, [0.0, 1.0], ["#ffffff", TRUE_COLOR], "p(z|x) / its max", "posterior")
    ellipses = (
        alt.Chart(alt.Data(name="q"))
        .mark_line(color=Q_COLOR, strokeWidth=2.5, clip=True)
        .encode(x=x, y=y, detail="level:N", order="i:Q")
    )
    return alt.layer(*heat, ellipses).properties(
        width=size, height=size, autosize=alt.AutoSizeParams(type="pad")
    )


@template
def _posterior_1d_layout(height: int, window: tuple[float, float]) -> alt.TopLevelMixin:
    return (
        alt.Chart(alt.Data(name="densities"))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("z:Q", title="z", scale=alt.Scale(domain=list(window), nice=False, zero=False)),
            y=alt.Y("density:Q", title="density"),
            color=alt.Color(
                "which:N",
                scale=alt.Scale(domain=["p(z|x), true", "q(z|x), encoder"], range=[TRUE_COLOR, Q_COLOR]),
                legend=alt.Legend(title=None, orient="top"),
            ),
        )
        .properties(height=height, width="container")
    )


def posterior_chart(gap: GapAtX, size: int = 340) -> dict:
    """The true posterior p(z|x) (heat map, 2-D; line, 1-D) and the encoder's q(z|x) (its 1 and 2
    sigma ellipses, 2-D; line, 1-D), in the window around both that `gap_at` chose."""
    ends = [(round(float(a[0]), 4), round(float(a[-1]), 4)) for a in gap.view]
    if gap.posterior.ndim == 1:
        z = gap.view[0]
        frame = pd.DataFrame(
            {
                "z": np.tile(z, 2),
                "density": np.concatenate([gap.posterior, gap.q]),
                "which": np.repeat(["p(z|x), true", "q(z|x), encoder"], len(z)),
            }
        )
        return with_data(_posterior_1d_layout(size // 2, ends[0]), densities=frame)
    t = np.linspace(0, 2 * np.pi, 73)
    rings = [
        pd.DataFrame(
            {
                "x": gap.mu[0] + level * gap.std[0] * np.cos(t),
                "y": gap.mu[1] + level * gap.std[1] * np.sin(t),
                "level": level,
                "i": np.arange(len(t)),
            }
        )
        for level in (1, 2)
    ]
    heat = heatmap_data(
        "posterior", gap.posterior / max(gap.posterior.max(), 1e-300), [0.0, 1.0], ["#ffffff", TRUE_COLOR]
    )
    heat["posterior"] = heat["posterior"].assign(
        x=sum(ends[0]) / 2, y=sum(ends[1]) / 2
    )  # the window's centre
    return with_data(_posterior_2d_layout(size, (*ends[0], *ends[1])), **heat, q=pd.concat(rings))


@template
def _bounds_layout(height: int) -> alt.TopLevelMixin:
    k = alt.X("k:Q", title="K, samples of q(z|x)", scale=alt.Scale(type="log"))
    iwae = (
        alt.Chart(alt.Data(name="iwae"))
        .mark_line(color=REAL_COLOR, strokeWidth=2.5, point=alt.OverlayMarkDef(size=70, color=REAL_COLOR))
        .encode(x=k, y=alt.Y("value:Q", title="nats", scale=alt.Scale(zero=False)))
    )
    rules = (
        alt.Chart(alt.Data(name="levels"))
        .mark_rule(strokeWidth=2)
        .encode(
            y="value:Q",
            color=alt.Color(
                "which:N",
                scale=alt.Scale(domain=["log p(x), quadrature", "ELBO"], range=[TRUE_COLOR, "#111111"]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            strokeDash=alt.StrokeDash(
                "which:N",
                scale=alt.Scale(domain=["log p(x), quadrature", "ELBO"], range=[[1, 0], [6, 4]]),
                legend=None,
            ),
        )
    )
    noise = (
        alt.Chart(alt.Data(name="iwae"))
        .mark_rule(color=REAL_COLOR, strokeWidth=2)
        .encode(x=k, y="lo:Q", y2="hi:Q")
    )
    return alt.layer(rules, noise, iwae).properties(height=height, width="container")


def bounds_chart(gap: GapAtX, height: int = 240) -> dict:
    """The IWAE bound against K (blue, with ±2 standard errors of its estimate), under log p(x)
    (orange) and above the ELBO (dashed)."""
    value, se = np.array(list(gap.iwae.values())), np.array([gap.iwae_se[k] for k in gap.iwae])
    iwae = pd.DataFrame({"k": list(gap.iwae), "value": value, "lo": value - 2 * se, "hi": value + 2 * se})
    levels = pd.DataFrame({"which": ["log p(x), quadrature", "ELBO"], "value": [gap.log_px, gap.elbo]})
    return with_data(_bounds_layout(height), iwae=iwae, levels=levels)


@template
def _gap_history_layout(height: int) -> alt.TopLevelMixin:
    return (
        alt.Chart(alt.Data(name="gaps"))
        .mark_line(strokeWidth=2.5, color=TRUE_COLOR, point=alt.OverlayMarkDef(size=60, color=TRUE_COLOR))
        .encode(
            x=alt.X("step:Q", title="step"),
            y=alt.Y("gap:Q", title="log p(x) − ELBO (nats, log scale)", scale=alt.Scale(type="log")),
        )
        .properties(height=height, width="container")
    )


def gap_history_chart(snap: VAESnapshot, height: int = 240) -> dict:
    """The gap log p(x) - ELBO = KL(q(z|x) || p(z|x)) on the same held-out examples over training, on a
    log scale (it falls by orders of magnitude), at the steps where the grid resolves the posterior;
    a gap the ELBO's Monte Carlo error pushes below 1e-3 is drawn at 1e-3."""
    gaps = pd.DataFrame(snap.gaps)
    gaps = gaps[gaps["resolved"] > 0]
    return with_data(
        _gap_history_layout(height),
        gaps=pd.DataFrame({"step": gaps["step"], "gap": gaps["gap"].clip(lower=1e-3)}),
    )
