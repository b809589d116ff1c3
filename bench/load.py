"""A classroom on one server: N real browser sessions train the playground at once.

    python -m bench.load [--sessions 10] [--seconds 30]

The server runs on one core, the browsers (Chromium and this script) on the others, so that what is
measured is the server's cost: in class the browsers run on the students' laptops. In order:

1. a first visitor loads the playground and leaves; once the server has let go of that session,
   its threads and memory are the baseline (imports and shared data sets stay by design);
2. one session plays alone for `--seconds`, nobody touching a control: steps/s alone on the
   server's core (the stricter baseline: the N sessions below are measured while controls move);
3. N sessions open the playground and press Play; over `--seconds` each one's steps/s is read off
   its page, and, in turns, each changes k (a live control) and the time until its page shows
   the new run line is taken (the run line and the chart are drawn in the same script run, the
   chart right after it): the widget-to-chart time;
4. all N close; the server's threads and memory are read every 5 s for 60 s.

It prints a table and, last, one JSON line: sessions, all_progressing, per-session steps/s (min,
median, max), fairness (min / max steps/s), p95_widget_to_chart_s, peak and after-close threads and
memory against the baseline, and server_efficiency: the N sessions' steps/s added up over one
session's alone on the same core (1.0: sharing wastes nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import threading
import time

from bench.browser import AppServer, app_server, chromium, open_session, step_count

PAGE = "gan_playground"
SETTLE_SECONDS = 60.0


def _cores() -> tuple[set[int], set[int]]:
    """(the server's core, the browsers' cores): the first core for the server, the rest for the
    browsers (on a one-core machine both share it)."""
    cores = sorted(os.sched_getaffinity(0))
    return {cores[0]}, set(cores[1:]) or {cores[0]}


def _play(page) -> None:
    page.locator(".st-key-play button").click()
    page.wait_for_selector(".st-key-pause button", timeout=60_000)


def _steps_per_s(pages: list, seconds: float, during=None) -> list[float]:
    """Each page's steps/s over `seconds`, read off its status line; `during()` is called in a loop
    meanwhile (the widget changes)."""
    before = [(step_count(p), time.monotonic()) for p in pages]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if during is not None:
            during()
        else:
            time.sleep(0.5)
    after = [(step_count(p), time.monotonic()) for p in pages]
    return [(s1 - s0) / (t1 - t0) for (s0, t0), (s1, t1) in zip(before, after, strict=True)]


class _Sampler:
    """The server's peak threads and memory, read every 0.25 s in a thread of this script."""

    def __init__(self, server: AppServer) -> None:
        self.server, self.threads, self.rss_mb = server, 0, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            self.threads = max(self.threads, self.server.threads())
            self.rss_mb = max(self.rss_mb, self.server.rss_mb())


class _WidgetTimer:
    """Changes k on one page at a time (1 <-> 2) and times until the page shows the new run line."""

    def __init__(self, pages: list) -> None:
        self.pages, self.times, self._turn = pages, [], 0

    def __call__(self) -> None:
        page = self.pages[self._turn % len(self.pages)]
        self._turn += 1
        slider = page.locator(".st-key-k input[type='range']")
        k = int(slider.input_value())
        new_k = 2 if k == 1 else 1
        started = time.monotonic()
        slider.focus()
        slider.press("ArrowRight" if new_k > k else "ArrowLeft")
        page.get_by_text(re.compile(rf"· k = {new_k} ·")).first.wait_for(timeout=60_000)
        self.times.append(time.monotonic() - started)
        time.sleep(0.5)


def _settle(server: AppServer, seconds: float) -> list[tuple[float, int, float]]:
    """(seconds, threads, MB) every 5 s for `seconds`."""
    started, readings = time.monotonic(), []
    while (elapsed := time.monotonic() - started) <= seconds:
        readings.append((elapsed, server.threads(), server.rss_mb()))
        time.sleep(5)
    return readings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=SETTLE_SECONDS, help="seconds to wait after closing")
    args = parser.parse_args()
    server_cores, browser_cores = _cores()
    os.sched_setaffinity(0, browser_cores)  # this script, Playwright's driver and Chromium
    with (
        app_server(cores=server_cores, env={"LAB_OFFLINE": "1"}) as server,
        chromium() as browser,
    ):
        first = open_session(browser, server.url, PAGE, timeout=180)
        first.context.close()
        _settle(server, args.settle)
        threads_baseline, rss_baseline = server.threads(), server.rss_mb()

        alone_page = open_session(browser, server.url, PAGE, timeout=180)
        _play(alone_page)
        time.sleep(3)
        cpu_before, started = server.cpu_seconds(), time.monotonic()
        alone = _steps_per_s([alone_page], args.seconds)[0]
        cpu_alone = (server.cpu_seconds() - cpu_before) / (time.monotonic() - started)
        alone_page.context.close()
        _settle(server, args.settle)

        with _Sampler(server) as peak:
            pages = [open_session(browser, server.url, PAGE, timeout=180) for _ in range(args.sessions)]
            for page in pages:
                _play(page)
            time.sleep(3)
            timer = _WidgetTimer(pages)
            cpu_before, started = server.cpu_seconds(), time.monotonic()
            rates = _steps_per_s(pages, args.seconds, during=timer)
            cpu_shared = (server.cpu_seconds() - cpu_before) / (time.monotonic() - started)
            for page in pages:
                page.context.close()
        closed = _settle(server, args.settle)

    p95 = statistics.quantiles(timer.times, n=20)[-1] if len(timer.times) >= 2 else float("nan")
    result = {
        "sessions": args.sessions,
        "server_cores": len(server_cores),
        "all_progressing": min(rates) > 0,
        "steps_per_s_alone": round(alone, 1),
        "steps_per_s_min": round(min(rates), 1),
        "steps_per_s_median": round(statistics.median(rates), 1),
        "steps_per_s_max": round(max(rates), 1),
        "fairness": round(min(rates) / max(rates), 3) if max(rates) > 0 else 0.0,
        "server_efficiency": round(sum(rates) / alone, 3),
        "server_cpu_per_step_ms_alone": round(1000 * cpu_alone / alone, 3),
        "server_cpu_per_step_ms_shared": round(1000 * cpu_shared / max(sum(rates), 1e-9), 3),
        "widget_changes": len(timer.times),
        "p95_widget_to_chart_s": round(p95, 2),
        "threads_baseline": threads_baseline,
        "threads_peak": peak.threads,
        "threads_after_close": closed[-1][1],
        "rss_baseline_mb": round(rss_baseline),
        "rss_peak_mb": round(peak.rss_mb),
        "rss_after_close_mb": round(closed[-1][2]),
    }
    print(f"{'seconds after closing':>22} {'threads':>8} {'MB':>8}")
    for elapsed, threads, mb in closed:
        print(f"{elapsed:>22.0f} {threads:>8} {mb:>8.0f}")
    print(f"\n{'session':>8} {'steps/s':>8}")
    for i, rate in enumerate(rates, 1):
        print(f"{i:>8} {rate:>8.1f}")
    print(f"\n{'alone':>8} {alone:>8.1f}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
