"""Numbers on screen as people write them: 1,234 not 1234.000, 0.00 not −0.00, and no raw float."""

from __future__ import annotations

import math


def figure(value: float, decimals: int = 2) -> str:
    """`value` with `decimals` decimals, or whole with thousands separators from 1,000 on (where the
    decimals would only cut the number off on a projector); 'n/a' where it is not a number."""
    if not math.isfinite(value):
        return "n/a" if math.isnan(value) else ("∞" if value > 0 else "−∞")
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    text = f"{value:.{decimals}f}"
    return text.lstrip("-") if float(text) == 0 else text
