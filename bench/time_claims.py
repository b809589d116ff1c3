"""Every wait a page's caption or button promises, measured as a student meets it: `streamlit run
app.py` in a subprocess, headless Chromium beside it on the same cores.

    python -m bench.time_claims

Prints one row per claim (the page's words, the seconds measured) and a last JSON line.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from bench.browser import browser_page, play, step_count, streamlit_app, wait_until_idle
from lab.gan.playground import playground_snapshot, toy_gan
from lab.gan.trainer import GANConfig
from lab.plots.pictures import timeline_gif
from lab.scenarios import find

STABLE = find("mnist_gan", "stable").steps  # the MNIST GAN page's 'recognisable digits within about …'


def _timed(act: Callable[[], None], done: Callable[[], None]) -> float:
    start = time.perf_counter()
    act()
    done()
    return time.perf_counter() - start


def mnist_to_stable(page, url: str) -> float:
    """'The defaults make recognisable digits within about STABLE steps': seconds from Play to that step."""
    page.goto(f"{url}/mnist_gan")
    wait_until_idle(page, "[data-testid='stVegaLiteChart']")

    def reached() -> None:
        while step_count(page) < STABLE:
            time.sleep(0.2)

    seconds = _timed(lambda: play(page), reached)
    page.locator(".st-key-pause button").first.click()
    return seconds


def mnist_jump(page, url: str) -> float:
    """'Jump to the trained run (step STABLE)': seconds from the click to that step on screen."""
    page.goto(f"{url}/mnist_gan")
    wait_until_idle(page, "[data-testid='stVegaLiteChart']")
    page.locator(".st-key-scenario_stable button").first.click()
    page.get_by_text("all ten, roughly").click()
    page.wait_for_selector(".st-key-scenario_jump button:not([disabled])")
    wait_until_idle(page)
    return _timed(
        lambda: page.locator(".st-key-scenario_jump button").first.click(),
        lambda: page.wait_for_selector(f"strong:text-is('Step {STABLE}')", timeout=60_000),
    )


def saturation_kl(page, url: str) -> float:
    """'Train a D against this p_G (2,000 steps)' … 'takes a second or two'."""
    page.goto(f"{url}/saturation?tab=%283%29+as+a+KL")
    wait_until_idle(page, ".st-key-kl_train")
    return _timed(
        lambda: page.locator(".st-key-kl_train button").first.click(),
        lambda: page.wait_for_function(
            """() => [...document.querySelectorAll("[data-testid='stMetric']")]
                .some(m => m.innerText.includes("trained D") && /\\d/.test(
                    m.querySelector("[data-testid='stMetricValue']").innerText))""",
            timeout=60_000,
        ),
    )


def vae_tsne(page, url: str) -> float:
    """'t-SNE map of the latent means (takes seconds)', at an 8-d latent after a step."""
    page.goto(f"{url}/vae_latent?vae_latent=8")
    wait_until_idle(page, ".st-key-vae_tsne")
    return _timed(
        lambda: page.locator(".st-key-vae_tsne button").first.click(),
        lambda: page.wait_for_selector("text=t-SNE of 500 held-out", timeout=120_000),
    )


def gif_of_ten_frames() -> float:
    """'Timeline as GIF … a few seconds per ten frames': ten playground frames drawn into a GIF."""
    trainer = toy_gan(GANConfig())
    frames = []
    for _ in range(10):
        trainer.step(25)
        frames.append(playground_snapshot(trainer))
    start = time.perf_counter()
    timeline_gif("gan_playground", frames)
    return time.perf_counter() - start


def main() -> None:
    results: dict[str, float] = {}
    with streamlit_app() as url, browser_page(1440, 900) as page:
        for name, measure in (
            ("mnist_gan_stable_steps", mnist_to_stable),
            ("mnist_gan_jump", mnist_jump),
            ("saturation_train_d", saturation_kl),
            ("vae_tsne", vae_tsne),
        ):
            results[name] = measure(page, url)
    results["gif_ten_frames"] = gif_of_ten_frames()
    claims = {
        "mnist_gan_stable_steps": f"MNIST GAN: 'recognisable digits within about {STABLE} steps' (Play to it)",
        "mnist_gan_jump": f"MNIST GAN: 'Jump to the trained run (step {STABLE})'",
        "saturation_train_d": "Saturation: 'Train a D … takes a second or two'",
        "vae_tsne": "VAE: 't-SNE map of the latent means (takes seconds)'",
        "gif_ten_frames": "Keep: 'Timeline as GIF … a few seconds per ten frames' (headless)",
    }
    for name, text in claims.items():
        print(f"{text:<82} {results[name]:>7.1f} s")
    print(json.dumps({name: round(value, 2) for name, value in results.items()}))


if __name__ == "__main__":
    main()
