"""Semi-supervised training, live: the VAE way (M2) or the GAN way (K + 1 outputs), each beside
the same network trained on the labels alone, on the same labelled examples and the same start (with
M1 + M2, all but M1's output bias, which starts at the mean image of the digits that run learns from).

One step draws a minibatch of labelled examples (with replacement: there may be only a handful)
and, unless `unlabelled` is False, one of unlabelled examples; the method takes one gradient step
on its objective (`lab.semi.m2.m2_objective`, or the K + 1 discriminator's losses then the
generator's feature matching, `lab.semi.kplus1`). Held-out accuracy is measured on the trainer's
schedule, every `EVAL_EVERY[data]` steps and at step 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import ClassVar

import torch
from torch import nn

from lab.device import forked_rng, own_rng, pick_device, rng_state
from lab.history import History
from lab.nets import seeded
from lab.protocol import SideBySide, TrainingDiverged
from lab.semi import data as semi_data
from lab.semi.kplus1 import (
    KPlusOneDiscriminator,
    feature_matching_loss,
    image_generator,
    point_generator,
    real_probability,
    supervised_loss,
    unsupervised_loss,
)
from lab.semi.m2 import M2, m2_objective
from lab.vae.model import VAE, binarize, elbo_of_code, reparameterize

METHODS = {
    "gan": "GAN, K + 1 outputs (Salimans et al. 2016)",
    "m2": "VAE, M2 (Kingma et al. 2014)",
}
EVAL_EVERY = {"moons": 25, "mnist": 100}
EVAL_EXAMPLES = 2_000  # the held-out examples the live accuracy averages over (the same ones each time)

ARCHITECTURES = {
    # (data, method): the networks' sizes and regularisers, as in the papers (MNIST) or scaled down (moons)
    ("mnist", "gan"): {"widths": (1000, 500, 250, 250, 250), "input_noise": 0.3, "hidden_noise": 0.5,
                       "noise_dim": 100, "g_width": 500},
    ("moons", "gan"): {"widths": (64, 64, 64), "input_noise": 0.05, "hidden_noise": 0.3,
                       "noise_dim": 2, "g_width": 64},
    ("mnist", "m2"): {"width": 500, "latent_dim": 50, "sigma": 0.3,
                      "classifier_width": 100, "m1": {"latent_dim": 50, "width": 500, "depth": 2}},
    ("moons", "m2"): {"width": 128, "latent_dim": 1, "sigma": 0.15},
}  # fmt: skip
DEFAULT_LR = {"gan": 3e-3, "m2": 1e-3}
DEFAULT_ALPHA = {"mnist": 5.0, "moons": 5.0}


@dataclass(frozen=True)
class SemiConfig:
    """A semi-supervised run's settings."""

    data: str = "moons"  # "moons" or "mnist"
    method: str = "gan"  # a key of METHODS
    labels_per_class: int = 3
    unlabelled: bool = True  # False: the same network trained on the labels alone
    batch_size: int = 100
    lr: float = 0.0  # 0: the method's default (DEFAULT_LR)
    alpha: float = 0.0  # M2's weight of the labelled cross-entropy; 0: the data's default (DEFAULT_ALPHA)
    seed: int = 0

    live_fields: ClassVar[tuple[str, ...]] = ("lr", "alpha", "batch_size")

    def __post_init__(self) -> None:
        if self.data not in semi_data.DATASETS or self.method not in METHODS:
            raise ValueError(f"data in {tuple(semi_data.DATASETS)}, method in {tuple(METHODS)}")
        if self.labels_per_class < 1 or self.batch_size < 1 or self.lr < 0 or self.alpha < 0:
            raise ValueError("labels_per_class and batch_size positive, lr and alpha >= 0")

    @property
    def learning_rate(self) -> float:
        return self.lr or DEFAULT_LR[self.method]

    @property
    def cross_entropy_weight(self) -> float:
        return self.alpha or DEFAULT_ALPHA[self.data]

    @property
    def labels(self) -> int:
        """Labelled examples in all: labels_per_class times the number of classes."""
        return self.labels_per_class * (10 if self.data == "mnist" else 2)


class KPlusOneGAN:
    """Salimans et al. 2016: a K + 1 discriminator D, a generator G trained by feature matching."""

    columns = ("supervised", "unsupervised", "feature_matching", "d_real", "d_fake")  # of its history

    def __init__(self, config: SemiConfig, data: semi_data.SemiData, device: torch.device) -> None:
        self.config, self.device = config, device
        self.arch = a = ARCHITECTURES[(config.data, "gan")]
        make_g = image_generator if config.data == "mnist" else point_generator
        self.modules = seeded(
            config.seed,
            lambda: nn.ModuleDict(
                {
                    "D": KPlusOneDiscriminator(
                        data.dim, data.classes, a["widths"], a["input_noise"], a["hidden_noise"]
                    ),
                    "G": make_g(a["noise_dim"], a["g_width"], data.dim),
                }
            ),
        ).to(device)
        self.optimizers = [
            torch.optim.Adam(self.modules[name].parameters(), config.learning_rate, betas=(0.5, 0.999))
            for name in ("D", "G")
        ]
        self.classifier = self.modules["D"]

    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """z: uniform on [0, 1]^d for the digits (as the paper), N(0, I) for points."""
        shape, device = (n, self.arch["noise_dim"]), None if generator else self.device
        z = (
            torch.rand(shape, generator=generator, device=device)
            if self.config.data == "mnist"
            else (torch.randn(shape, generator=generator, device=device))
        )
        return z.to(self.device)

    def train_step(self, x_labelled, y_labelled, x_unlabelled) -> dict[str, float]:
        D, G = self.modules["D"], self.modules["G"]
        opt_d, opt_g = self.optimizers
        logits_l, _ = D(x_labelled)
        loss = supervised_loss(logits_l, y_labelled)
        metrics = {"supervised": loss.item()}
        if x_unlabelled is None:  # the labels alone: a plain classifier
            opt_d.zero_grad(set_to_none=True)
            loss.backward()
            opt_d.step()
            return metrics
        # D: the labelled cross-entropy plus the GAN's loss on unlabelled and generated examples
        fake = G(self.noise(len(x_unlabelled)))
        logits_u, _ = D(x_unlabelled)
        logits_f, _ = D(fake.detach())
        unsupervised = unsupervised_loss(logits_u, logits_f)
        opt_d.zero_grad(set_to_none=True)
        (loss + unsupervised).backward()
        opt_d.step()
        # G: match the mean of D's last hidden layer on real and generated examples
        _, features_real = D(x_unlabelled)
        _, features_fake = D(G(self.noise(len(x_unlabelled))))
        matching = feature_matching_loss(features_real.detach(), features_fake)
        opt_g.zero_grad(set_to_none=True)
        matching.backward()
        opt_g.step()
        return metrics | {
            "unsupervised": unsupervised.item(),
            "feature_matching": matching.item(),
            "d_real": real_probability(logits_u).mean().item(),
            "d_fake": real_probability(logits_f).mean().item(),
        }

    @torch.no_grad()
    def generate(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n samples of G, in evaluation mode (batch norm's running statistics)."""
        G = self.modules["G"]
        G.eval()
        try:
            return G(self.noise(n, generator))
        finally:
            G.train()


class M2Method:
    """Kingma et al. 2014's M2: y a latent variable; the classifier q(y|x) is the model's own.

    On MNIST, M1 + M2: M1 (a VAE on the pixels) trains in the same steps, on the same unlabelled
    digits (on the labelled ones in the labels-alone run), and M2 models samples of its q(z1 | x).
    """

    def __init__(self, config: SemiConfig, data: semi_data.SemiData, device: torch.device) -> None:
        self.config = config
        a = ARCHITECTURES[(config.data, "m2")]
        m1 = a.get("m1")
        dim = m1["latent_dim"] if m1 else data.dim
        self.columns = (
            "cross_entropy",
            "labelled_bound",
            "reconstruction",
            "kl",
            "unlabelled_bound",
            "entropy",
        )
        if m1:  # this run's history also records M1's ELBO
            self.columns += ("m1_elbo",)

        def make() -> nn.ModuleDict:
            nets: dict[str, nn.Module] = {}
            if m1:
                nets["M1"] = VAE(data.dim, m1["latent_dim"], m1["width"], m1["depth"], "bernoulli")
                # M1's output bias starts at the mean image of the digits it learns from
                pixels = data.x_unlabelled if config.unlabelled else data.x_labelled
                nets["M1"].start_at_mean_image(pixels.mean(dim=0))
            m2 = M2(
                dim,
                data.classes,
                a["latent_dim"],
                a["width"],
                a["sigma"],
                a.get("classifier_width"),
            )
            return nn.ModuleDict(nets | {"M2": m2})

        self.modules = seeded(config.seed, make).to(device)
        self.model: M2 = self.modules["M2"]
        self.m1: VAE | None = self.modules["M1"] if m1 else None
        self.optimizers = [torch.optim.Adam(self.modules.parameters(), config.learning_rate)]
        self.classifier = OnM1Features(self.m1, self.model.classifier) if self.m1 else self.model.classifier

    def train_step(self, x_labelled, y_labelled, x_unlabelled) -> dict[str, float]:
        m1_loss: torch.Tensor | float = 0.0
        m1_parts: dict[str, float] = {}
        if self.m1 is not None:  # M1 + M2: M1's ELBO on black-and-white digits, M2 on z1 ~ q(z1 | x)
            x_labelled = binarize(x_labelled)
            x_unlabelled = None if x_unlabelled is None else binarize(x_unlabelled)
            x_m1 = x_labelled if x_unlabelled is None else x_unlabelled
            code = self.m1.encode(x_m1)  # q(z1 | x)'s mu and log sigma^2, once for both models
            m1_elbo = elbo_of_code(self.m1, x_m1, *code)[0].mean()
            m1_loss, m1_parts = -m1_elbo, {"m1_elbo": m1_elbo.item()}
            if x_unlabelled is None:  # the labels alone: M1 learns from the labelled digits
                x_labelled = m1_sample(*code)
            else:
                with torch.no_grad():
                    labelled_code = self.m1.encode(x_labelled)
                x_labelled, x_unlabelled = m1_sample(*labelled_code), m1_sample(*code)
        m2_loss, parts = m2_objective(
            self.model, x_labelled, y_labelled, x_unlabelled, self.config.cross_entropy_weight
        )
        opt = self.optimizers[0]
        opt.zero_grad(set_to_none=True)
        (m1_loss + m2_loss).backward()
        opt.step()
        return parts | m1_parts


@torch.no_grad()
def m1_sample(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """z1 ~ q(z1 | x) = N(mu, diag exp(logvar)): M2's data in M1 + M2 (M2's loss does not train M1)."""
    return reparameterize(mu, logvar, torch.randn_like(mu))


class OnM1Features(nn.Module):
    """M1 + M2's classifier of pixels: M2's q(y | z1) at the mean of M1's q(z1 | x). (It trains on
    samples z1 of black-and-white draws of the digits and classifies at the mean code of the grey
    digit: the least noisy reading of the same code.)"""

    def __init__(self, m1: VAE, classifier: nn.Module) -> None:
        super().__init__()
        self.m1, self.classifier = m1, classifier

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.m1.encode(x)[0])


METHOD_CLASSES = {"gan": KPlusOneGAN, "m2": M2Method}


class SemiTrainer:
    """One semi-supervised (or labels-only) run of `config.method` (a KPlusOneGAN or an M2Method,
    its networks and its step): `step(n)`, `classify(x)`, held-out `evals`."""

    def __init__(
        self,
        config: SemiConfig,
        device: torch.device | None = None,
        evaluate: bool = True,
        split: semi_data.SemiData | None = None,
    ) -> None:
        self.config = config
        self.device = device or pick_device()
        self.data = (split or semi_data.load(config.data, config.labels_per_class, config.seed)).to(
            self.device
        )
        self.method = METHOD_CLASSES[config.method](config, self.data, self.device)
        self.step_count = 0
        self.rng = torch.Generator().manual_seed(config.seed + 1)  # minibatches
        with forked_rng(self.device):
            torch.manual_seed(config.seed + 2)
            self.noise_state = rng_state(self.device)  # the models' own noise (dropout-like, z samples)
        self.history = History(*self.method.columns)
        self.evals = History("accuracy")
        self.eval_every = EVAL_EVERY[config.data] if evaluate else None
        if evaluate:
            self.evaluate()

    @property
    def modules(self) -> nn.ModuleDict:
        return self.method.modules

    def update(self, config: SemiConfig) -> None:
        self.config = self.method.config = config
        for opt in self.method.optimizers:
            for group in opt.param_groups:
                group["lr"] = config.learning_rate

    def step(self, n: int = 1) -> dict[str, float]:
        """n gradient steps; the latest step's numbers."""
        metrics: dict[str, float] = {}
        with own_rng(self.device, self.noise_state):
            for _ in range(n):
                metrics = self._one_step()
            self.noise_state = rng_state(self.device)
        return metrics

    def _one_step(self) -> dict[str, float]:
        data, m = self.data, self.config.batch_size
        labelled = torch.randint(len(data.x_labelled), (m,), generator=self.rng).to(self.device)
        x_unlabelled = None
        if self.config.unlabelled:
            unlabelled = torch.randint(len(data.x_unlabelled), (m,), generator=self.rng).to(self.device)
            x_unlabelled = data.x_unlabelled[unlabelled]
        metrics = self.method.train_step(data.x_labelled[labelled], data.y_labelled[labelled], x_unlabelled)
        if not all(math.isfinite(value) for value in metrics.values()):
            raise TrainingDiverged(f"a loss became NaN or infinite at step {self.step_count + 1}")
        self.step_count += 1
        self.history.append(
            self.step_count, {name: metrics.get(name, float("nan")) for name in self.method.columns}
        )
        if self.eval_every and self.step_count % self.eval_every == 0:
            self.evaluate()
        return metrics

    @torch.no_grad()
    def classify(self, x: torch.Tensor) -> torch.Tensor:
        """p(y | x) over the K classes, the networks in evaluation mode (no noise)."""
        net = self.method.classifier
        net.eval()
        try:
            logits = net(x)
            logits = logits[0] if isinstance(logits, tuple) else logits
            return torch.softmax(logits, dim=1)
        finally:
            net.train()

    def accuracy(self, limit: int | None = None) -> float:
        """The share of held-out examples (the first `limit`) whose most probable class is right."""
        x, y = self.data.x_test[:limit], self.data.y_test[:limit]
        return (self.classify(x).argmax(dim=1) == y).float().mean().item()

    def evaluate(self) -> None:
        self.evals.append(self.step_count, {"accuracy": self.accuracy(EVAL_EXAMPLES)})

    def state_dict(self) -> dict:
        return {
            "step_count": self.step_count,
            "modules": self.modules.state_dict(),
            "optimizers": [opt.state_dict() for opt in self.method.optimizers],
            "rng": self.rng.get_state(),
            "noise_state": [state.clone() for state in self.noise_state],
            "history": self.history.state_dict(),
            "evals": self.evals.state_dict(),
        }

    def load_state_dict(self, state: dict) -> None:
        self.step_count = int(state["step_count"])
        self.modules.load_state_dict(state["modules"])
        for opt, saved in zip(self.method.optimizers, state["optimizers"], strict=True):
            opt.load_state_dict(saved)
        self.rng.set_state(state["rng"])
        self.noise_state = [s.clone() for s in state["noise_state"]]
        self.history.load_state_dict(state["history"])
        self.evals.load_state_dict(state["evals"])


def with_and_without_sides(config: SemiConfig) -> list[tuple[str, SemiConfig]]:
    """The semi-supervised run and the labels-only run of the same network (the same labelled
    examples, initial weights and seed; see the module's docstring for M1's output bias)."""
    return [
        ("labelled + unlabelled", replace(config, unlabelled=True)),
        ("labels alone", replace(config, unlabelled=False)),
    ]


def with_and_without(config: SemiConfig, device: torch.device | None = None) -> SideBySide:
    """The two runs of `with_and_without_sides` on one split of the data, trained together."""
    split = semi_data.load(config.data, config.labels_per_class, config.seed)
    return SideBySide(config, with_and_without_sides, lambda side: SemiTrainer(side, device, split=split))
