"""A classroom on one server: N real browser sessions train the playground at once.

    python -m bench.load [--sessions 10] [--seconds 30] [--ramp 2,4,6,8,10,12]

The server runs on one core, the browsers (Chromium and this script) on the others, so that what is
measured is the server's cost: in class the browsers run on the students' laptops. In order:

1. a first visitor loads the playground and leaves; once the server has let go of that session,
   its threads and memory are the baseline (imports and shared data sets stay by design);
2. one session plays alone for `--seconds`, nobody touching a control: steps/s alone on the
   server's core;
3. N sessions open the playground and press Play. Over `--seconds` nobody touches a control: each
   one's steps/s is read off its page (fairness, and server_efficiency: their sum over the steps/s
   alone, like for like; 1.0 means sharing wastes nothing). Over the next `--seconds` each page in
   turn changes k (a live control) and the time until it shows the new run line is taken (the run
   line and the chart are drawn in the same script run, the chart right after it): the
   widget-to-chart time, its p95, the steps/s meanwhile (server_efficiency_while_changing), and how
   busy the browsers' cores were (near 1.0: part of that time is the browsers' own, which in class
   is spent on the students' laptops);
4. all N close; the server's threads and memory are read every 5 s for `--settle` seconds;
5. with `--ramp`, step 3 again for each number of sessions: the p95 at each, and the most sessions
   whose p95 stays within 2 s.

It prints a table and, last, one JSON line with the figures above, the peak and after-close threads
and memory against the baseline, and the server's CPU time per training step alone and shared.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.browser import AppServer, app_server, chromium, open_session, play, split_cores, step_count

PAGE = "gan_playground"
SETTLE_SECONDS = 60.0


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


class _CoreLoad:
    """How busy some cores were between entering and leaving: 1 - idle time / elapsed time, read
    from /proc/stat (Linux). Run on the browsers' cores, it says whether a slow widget-to-chart time
    is the server's or the browsers' own (near 1.0: the browsers are short of CPU)."""

    def __init__(self, cores: set[int]) -> None:
        self.cores, self.busy = cores, float("nan")

    def _ticks(self) -> tuple[int, int]:
        idle = total = 0
        for line in Path("/proc/stat").read_text().splitlines():
            name, *fields = line.split()
            if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in self.cores:
                values = [int(v) for v in fields]
                idle += values[3] + values[4]  # idle and iowait
                total += sum(values[:8])
        return idle, total

    def __enter__(self) -> _CoreLoad:
        self._start = self._ticks()
        return self

    def __exit__(self, *exc: object) -> None:
        idle, total = (b - a for a, b in zip(self._start, self._ticks(), strict=True))
        self.busy = 1 - idle / total if total else float("nan")


def _settle(server: AppServer, seconds: float) -> list[tuple[float, int, float]]:
    """(seconds, threads, MB) every 5 s for `seconds`."""
    started, readings = time.monotonic(), []
    while (elapsed := time.monotonic() - started) <= seconds:
        readings.append((elapsed, server.threads(), server.rss_mb()))
        time.sleep(5)
    return readings


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else float("nan")


@dataclass
class Shared:
    """N sessions training at once: steps/s each with nobody touching a control (`quiet`) and while
    they change k in turns (`changing`), the widget-to-chart times, the server's CPU use (share of
    one core) in each phase and the browsers' cores' load during the changes."""

    quiet: list[float]
    changing: list[float]
    widget_times: list[float]
    cpu_quiet: float
    cpu_changing: float
    browser_busy: float


def _shared(browser, server: AppServer, sessions: int, seconds: float, browser_cores: set[int]) -> Shared:
    pages = [open_session(browser, server.url, PAGE, timeout=180) for _ in range(sessions)]
    for page in pages:
        play(page)
    time.sleep(3)
    cpu_before, started = server.cpu_seconds(), time.monotonic()
    quiet = _steps_per_s(pages, seconds)
    cpu_quiet = (server.cpu_seconds() - cpu_before) / (time.monotonic() - started)
    timer = _WidgetTimer(pages)
    cpu_before, started = server.cpu_seconds(), time.monotonic()
    with _CoreLoad(browser_cores) as load:
        changing = _steps_per_s(pages, seconds, during=timer)
    cpu_changing = (server.cpu_seconds() - cpu_before) / (time.monotonic() - started)
    for page in pages:
        page.context.close()
    return Shared(quiet, changing, timer.times, cpu_quiet, cpu_changing, load.busy)


def _ramp(
    browser, server: AppServer, counts: list[int], seconds: float, browser_cores: set[int]
) -> list[dict]:
    """For each number of sessions: p95 widget-to-chart time, steps/s added up, browsers' load."""
    rows = []
    for n in counts:
        shared = _shared(browser, server, n, seconds, browser_cores)
        rows.append(
            {
                "sessions": n,
                "p95_widget_to_chart_s": round(_p95(shared.widget_times), 2),
                "steps_per_s_sum": round(sum(shared.quiet), 1),
                "browser_cores_busy": round(shared.browser_busy, 2),
            }
        )
        print(json.dumps(rows[-1]), flush=True)
        _settle(server, 15)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=SETTLE_SECONDS, help="seconds to wait after closing")
    parser.add_argument(
        "--ramp", default="", help="session counts, e.g. 2,4,6,8,10,12: p95 at each, and the most within 2 s"
    )
    args = parser.parse_args()
    server_cores, browser_cores = split_cores()
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
        play(alone_page)
        time.sleep(3)
        cpu_before, started = server.cpu_seconds(), time.monotonic()
        alone = _steps_per_s([alone_page], args.seconds)[0]
        cpu_alone = (server.cpu_seconds() - cpu_before) / (time.monotonic() - started)
        alone_page.context.close()
        _settle(server, args.settle)

        with _Sampler(server) as peak:
            shared = _shared(browser, server, args.sessions, args.seconds, browser_cores)
        closed = _settle(server, args.settle)
        ramp = _ramp(
            browser, server, [int(n) for n in args.ramp.split(",") if n], args.seconds, browser_cores
        )

    rates = shared.quiet
    result = {
        "sessions": args.sessions,
        "server_cores": len(server_cores),
        "all_progressing": min(rates) > 0 and min(shared.changing) > 0,
        "steps_per_s_alone": round(alone, 1),
        "steps_per_s_min": round(min(rates), 1),
        "steps_per_s_median": round(statistics.median(rates), 1),
        "steps_per_s_max": round(max(rates), 1),
        "fairness": round(min(rates) / max(rates), 3) if max(rates) > 0 else 0.0,
        "server_efficiency": round(sum(rates) / alone, 3),
        "server_efficiency_while_changing": round(sum(shared.changing) / alone, 3),
        "server_cpu_per_step_ms_alone": round(1000 * cpu_alone / alone, 3),
        "server_cpu_per_step_ms_shared": round(1000 * shared.cpu_quiet / max(sum(rates), 1e-9), 3),
        "widget_changes": len(shared.widget_times),
        "p95_widget_to_chart_s": round(_p95(shared.widget_times), 2),
        "median_widget_to_chart_s": round(statistics.median(shared.widget_times), 2),
        "browser_cores_busy": round(shared.browser_busy, 2),
        "threads_baseline": threads_baseline,
        "threads_peak": peak.threads,
        "threads_after_close": closed[-1][1],
        "rss_baseline_mb": round(rss_baseline),
        "rss_peak_mb": round(peak.rss_mb),
        "rss_after_close_mb": round(closed[-1][2]),
    }
    if ramp:
        within = [row["sessions"] for row in ramp if row["p95_widget_to_chart_s"] <= 2.0]
        result["ramp"] = ramp
        result["sessions_within_p95_2s"] = max(within, default=0)
    print(f"{'seconds after closing':>22} {'threads':>8} {'MB':>8}")
    for elapsed, threads, mb in closed:
        print(f"{elapsed:>22.0f} {threads:>8} {mb:>8.0f}")
    print(f"\n{'session':>8} {'quiet':>8} {'changing':>9}  steps/s")
    for i, (quiet, changing) in enumerate(zip(shared.quiet, shared.changing, strict=True), 1):
        print(f"{i:>8} {quiet:>8.1f} {changing:>9.1f}")
    print(f"\n{'alone':>8} {alone:>8.1f}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
