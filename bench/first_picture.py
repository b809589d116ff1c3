"""Cold start and first pictures, as a student meets them: `streamlit run app.py` started here, then
headless Chromium (1280 × 720) opens the home page, and from it clicks every lesson in the menu,
first on the cold server (each lesson's modules, data and nets made for the first time), then warm.
Warm, each lesson is also opened by its address (a new page load: the app's scripts and its
connection made again).

    python -m bench.first_picture

Prints a table (seconds from `streamlit run` to the home page drawn; per lesson, seconds from the
click to its first chart, cold and warm, and from opening its address, warm; target ≤ 1.5 s warm
from the click; each warm figure the median of WARM_TIMES) and a last JSON line.
"""

from __future__ import annotations

import json
import statistics
import time

from bench.browser import (
    LESSONS,
    app_server,
    browser_page,
    first_picture,
    first_picture_from_menu,
    wait_until_idle,
)

WARM_TARGET = 1.5
WARM_TIMES = 3


def main() -> None:
    started = time.perf_counter()
    with app_server(timeout=120) as server, browser_page(1280, 720) as page:
        page.goto(server.url)
        wait_until_idle(page)
        home = time.perf_counter() - started
        cold = {lesson: first_picture_from_menu(page, server.url, lesson) for lesson in LESSONS}
        clicked: dict[str, list[float]] = {lesson: [] for lesson in LESSONS}
        opened: dict[str, list[float]] = {lesson: [] for lesson in LESSONS}
        for _ in range(WARM_TIMES):
            for lesson in LESSONS:
                clicked[lesson].append(first_picture_from_menu(page, server.url, lesson))
                opened[lesson].append(first_picture(page, server.url, lesson))
    warm = {lesson: statistics.median(times) for lesson, times in clicked.items()}
    by_address = {lesson: statistics.median(times) for lesson, times in opened.items()}
    print(f"from `streamlit run app.py` to the home page drawn: {home:.1f} s")
    print(
        f"seconds to the first picture (warm: median of {WARM_TIMES}; target warm, clicked <= {WARM_TARGET})"
    )
    print(f"{'lesson':<20} {'clicked, cold':>14} {'clicked, warm':>14} {'address, warm':>14}")
    for lesson in LESSONS:
        mark = "" if warm[lesson] <= WARM_TARGET else "  over"
        print(f"{lesson:<20} {cold[lesson]:>14.2f} {warm[lesson]:>14.2f} {by_address[lesson]:>14.2f}{mark}")
    print(
        json.dumps(
            {
                "home_seconds": round(home, 2),
                "cold": {k: round(v, 2) for k, v in cold.items()},
                "warm": {k: round(v, 2) for k, v in warm.items()},
                "warm_by_address": {k: round(v, 2) for k, v in by_address.items()},
                "warm_max": round(max(warm.values()), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
