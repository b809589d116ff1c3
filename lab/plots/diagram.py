"""The lecture's models as diagrams (GAN Lab's model overview). The GAN's loop: z → G → G(z),
x ~ p_data, D → D(x) and D(G(z)), the discriminator's loss and the generator's, with the parts of the
sub-step slow motion is on lit, the network it updates outlined, and the sub-step's numbers beside
them. The VAE: x → encoder → μ(x), Σ(x) → z → decoder → p(x|z), with −KL and E_q log p(x|z), the
ELBO's two terms, where they are computed."""

from __future__ import annotations

import altair as alt
import pandas as pd

from lab.gan.trainer import SAMPLE_X, SAMPLE_Z, UPDATE_D, UPDATE_G
from lab.plots.palette import LOSS_COLORS
from lab.plots.vega import FONT_SIZE, template, with_data

NODES = {  # name: (column, row) on the diagram's grid
    "z ~ p_z": (0, 1),
    "G": (1, 1),
    "G(z)": (2, 1),
    "x ~ p_data": (2, 0),
    "D": (3, 0.5),
    "D(x)": (4, 0),
    "D(G(z))": (4, 1),
    "D's loss": (5, 0.25),
    "G's loss": (5, 1.25),
}
EDGES = (
    ("z ~ p_z", "G"),
    ("G", "G(z)"),
    ("G(z)", "D"),
    ("x ~ p_data", "D"),
    ("D", "D(x)"),
    ("D", "D(G(z))"),
    ("D(x)", "D's loss"),
    ("D(G(z))", "D's loss"),
    ("D(G(z))", "G's loss"),
)
LIT = {
    SAMPLE_Z: {"z ~ p_z"},
    SAMPLE_X: {"x ~ p_data"},
    UPDATE_D: {"G(z)", "x ~ p_data", "D", "D(x)", "D(G(z))", "D's loss"},
    UPDATE_G: {"z ~ p_z", "G", "G(z)", "D", "D(G(z))", "G's loss"},
}
"""What each of the slide's sub-steps uses: (1) sample z, (2) sample x, (3) D ascends its objective
on both, (4) fresh z, and G descends its loss through D."""
UPDATED = {UPDATE_D: "D", UPDATE_G: "G"}
"""The network each update changes (outlined)."""
BOX = (0.86, 0.34)  # a part's box, in columns and rows
LIT_FILL, FILL = "#fdb863", "#f2f2f2"  # lit: light orange (ΔE ≥ 20 from the grey for every deficiency)


VAE_NODES = {
    "x": (0, 0),
    "encoder": (1, 0),
    "μ(x), Σ(x)": (2, 0),
    "z ~ q(z|x)": (3, 0),
    "decoder": (4, 0),
    "p(x|z)": (5, 0),
    "−KL(q ‖ p(z))": (2.5, 1.1),
    "E_q log p(x|z)": (4.5, 1.1),
}
VAE_EDGES = (
    ("x", "encoder"),
    ("encoder", "μ(x), Σ(x)"),
    ("μ(x), Σ(x)", "z ~ q(z|x)"),
    ("z ~ q(z|x)", "decoder"),
    ("decoder", "p(x|z)"),
    ("μ(x), Σ(x)", "−KL(q ‖ p(z))"),
    ("p(x|z)", "E_q log p(x|z)"),
)


def diagram_frames(
    sub_step: str | None,
    numbers: dict[str, str],
    nodes: dict[str, tuple[float, float]] = NODES,
    edges: tuple[tuple[str, str], ...] = EDGES,
    lit: set[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The nodes (lit or not, updated or not, each with its number below it) and the edges (lit where
    both ends are) of the sub-step `sub_step` (one of the slide's four; None: nothing lit), or of
    another diagram's `nodes` and `edges` with the parts `lit`."""
    lit = LIT.get(sub_step, set()) if lit is None else lit
    node_rows = pd.DataFrame(
        [
            {
                "part": name,
                "column": column,
                "row": row,
                "lit": "yes" if name in lit else "no",
                "updated": name == UPDATED.get(sub_step),
                "number": numbers.get(name, ""),
                "left": column - BOX[0] / 2,
                "right": column + BOX[0] / 2,
                "top": row - BOX[1] / 2,
                "bottom": row + BOX[1] / 2,
            }
            for name, (column, row) in nodes.items()
        ]
    )
    edge_rows = pd.DataFrame(
        [
            {
                "column": nodes[a][0],
                "row": nodes[a][1],
                "column2": nodes[b][0],
                "row2": nodes[b][1],
                "lit": "yes" if a in lit and b in lit else "no",
            }
            for a, b in edges
        ]
    )
    return node_rows, edge_rows


def loop_diagram(sub_step: str | None, numbers: dict[str, str], g_loss: str) -> dict:
    """The diagram, `g_loss` naming the generator's loss under its box ("(2) non-saturating")."""
    nodes, edges = diagram_frames(sub_step, {**numbers, "G's loss": g_loss})
    return with_data(_layout(), nodes=nodes, edges=edges)


def vae_diagram(kl: float, recon: float) -> dict:
    """The VAE with its ELBO's terms now: −KL under the posterior's parameters, E_q log p(x|z) under
    the decoder's distribution (nats per example), their sum the ELBO."""
    numbers = {
        "−KL(q ‖ p(z))": f"{-kl:,.2f}",
        "E_q log p(x|z)": f"{recon:,.2f}",
        "p(x|z)": f"ELBO {recon - kl:,.2f}",
    }
    nodes, edges = diagram_frames(None, numbers, VAE_NODES, VAE_EDGES, lit=set(VAE_NODES))
    return with_data(_layout(), nodes=nodes, edges=edges)


@template
def _layout() -> alt.LayerChart:
    x = alt.X("column:Q", axis=None, scale=alt.Scale(domain=[-0.5, 5.5]))
    y = alt.Y("row:Q", axis=None, scale=alt.Scale(domain=[1.75, -0.3]))
    lit = alt.Color(
        "lit:N", scale=alt.Scale(domain=["no", "yes"], range=["#bbbbbb", LOSS_COLORS[0]]), legend=None
    )
    edges = (
        alt.Chart(alt.Data(name="edges"))
        .mark_rule(strokeWidth=3)
        .encode(x=x, y=y, x2="column2:Q", y2="row2:Q", color=lit)
    )
    boxes = (
        alt.Chart(alt.Data(name="nodes"))
        .mark_rect(cornerRadius=6)
        .encode(
            x=alt.X("left:Q", axis=None, scale=alt.Scale(domain=[-0.5, 5.5])),
            x2="right:Q",
            y=alt.Y("top:Q", axis=None, scale=alt.Scale(domain=[1.75, -0.3])),
            y2="bottom:Q",
            fill=alt.Fill(
                "lit:N", scale=alt.Scale(domain=["no", "yes"], range=[FILL, LIT_FILL]), legend=None
            ),
            stroke=alt.condition("datum.updated", alt.value("#000000"), alt.value("#999999")),
            strokeWidth=alt.condition("datum.updated", alt.value(4), alt.value(1)),
        )
    )
    names = (
        alt.Chart(alt.Data(name="nodes"))
        .mark_text(fontSize=FONT_SIZE - 1, fontWeight="bold", color="#000000", limit=150)
        .encode(x=x, y=y, text="part:N")
    )
    values = (
        alt.Chart(alt.Data(name="nodes"))
        .mark_text(fontSize=FONT_SIZE - 2, color="#000000", baseline="top", dy=5)
        .encode(x=x, y=alt.Y("bottom:Q", scale=alt.Scale(domain=[1.75, -0.3])), text="number:N")
    )
    return alt.layer(edges, boxes, names, values).properties(height=250, width="container")
