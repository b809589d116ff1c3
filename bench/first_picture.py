"""Cold start and first pictures, as a student meets them: `streamlit run app.py` started here, then
headless Chromium (1280 × 720) opens the home page and every lesson twice, first on the cold server
(each lesson's modules, data and nets made for the first time), then warm.

    python -m bench.first_picture

Prints a table (seconds from `streamlit run` to the home page drawn; per lesson, seconds from
opening its address to its first chart, cold and warm; target ≤ 1.5 s warm) and a last JSON line.
"""

from __future__ import annotations

import json
import time

from bench.browser import LESSONS, app_server, browser_page, first_picture, wait_until_idle

WARM_TARGET = 1.5


def main() -> None:
    started = time.perf_counter()
    with app_server(timeout=120) as server, browser_page(1280, 720) as page:
        page.goto(server.url)
        wait_until_idle(page)
        home = time.perf_counter() - started
        cold = {lesson: first_picture(page, server.url, lesson) for lesson in LESSONS}
        warm = {lesson: first_picture(page, server.url, lesson) for lesson in LESSONS}
    print(f"from `streamlit run app.py` to the home page drawn: {home:.1f} s")
    print(f"{'lesson':<20} {'cold s':>7} {'warm s':>7}  (target warm <= {WARM_TARGET})")
    for lesson in LESSONS:
        mark = "" if warm[lesson] <= WARM_TARGET else "  over"
        print(f"{lesson:<20} {cold[lesson]:>7.2f} {warm[lesson]:>7.2f}{mark}")
    print(
        json.dumps(
            {
                "home_seconds": round(home, 2),
                "cold": {k: round(v, 2) for k, v in cold.items()},
                "warm": {k: round(v, 2) for k, v in warm.items()},
                "warm_max": round(max(warm.values()), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
