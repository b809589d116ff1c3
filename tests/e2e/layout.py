"""Where a page's charts land in the browser: boxes that overlap, or run past the main area."""

from __future__ import annotations

from bench.browser import CHARTS

_BOXES = """
(selector) => {
  const main = document.querySelector("[data-testid='stMain'] [data-testid='stMainBlockContainer']");
  const m = main.getBoundingClientRect();
  const boxes = [...document.querySelectorAll(selector)]
    .filter(e => e.offsetParent !== null)  // visible ones: not in a closed expander or another tab
    .map(e => {
      // the drawn part: a chart's own canvas or svg can be wider than its element
      const inner = e.querySelector("canvas, svg, img") || e;
      const r = inner.getBoundingClientRect();
      return {x: r.left, y: r.top, w: r.width, h: r.height};
    })
    .filter(b => b.w > 0 && b.h > 0);
  return {main: {x: m.left, y: m.top, w: m.width, h: m.height}, boxes};
}
"""


def chart_boxes(page) -> tuple[dict, list[dict]]:
    """The main area's box and every visible chart's drawn box, in page pixels."""
    found = page.evaluate(_BOXES, CHARTS)
    return found["main"], found["boxes"]


def overlap(a: dict, b: dict) -> float:
    """Area (px²) that two boxes share."""
    w = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
    h = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
    return max(w, 0) * max(h, 0)


def layout_problems(page, slack: float = 2.0) -> list[str]:
    """Every pair of charts that overlaps by more than a sliver, and every chart past the main area."""
    main, boxes = chart_boxes(page)
    problems = []
    for i, a in enumerate(boxes):
        if a["x"] < main["x"] - slack or a["x"] + a["w"] > main["x"] + main["w"] + slack:
            problems.append(
                f"chart {i} at x {a['x']:.0f}..{a['x'] + a['w']:.0f} runs past the main area {main['x']:.0f}..{main['x'] + main['w']:.0f}"
            )
        for j in range(i + 1, len(boxes)):
            shared = overlap(a, boxes[j])
            if shared > slack * slack * 25:
                problems.append(f"charts {i} and {j} overlap by {shared:,.0f} px²")
    return problems
