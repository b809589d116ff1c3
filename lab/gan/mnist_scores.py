"""Numbers for generated digits, from a small MNIST classifier trained once and cached on disk.

- class histogram, its entropy (nats, at most log 10) and how many digits appear: mode collapse
- mean confidence max_y p(y|x): quality
- an MNIST analogue of the Inception Score, exp(E_x KL(p(y|x) || p(y))): in [1, 10]
- the Frechet distance between Gaussians fitted to the classifier's features of real and
  generated digits: ||mu_r - mu_g||^2 + Tr(S_r + S_g - 2 (S_r S_g)^(1/2))
"""

from __future__ import annotations

import math
import os
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from scipy import linalg
from torch import nn

from lab.data.mnist import MNIST, cache_dir
from lab.nets import seeded

APPEARS = 0.02  # a digit "appears" when at least 2 % of the samples are classified as it


class DigitClassifier(nn.Module):
    """conv 32 -> pool -> conv 64 -> pool -> 128 features -> 10 logits, for images in [0, 1]."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Unflatten(1, (1, 28, 28)),
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),  # 13x13
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),  # 5x5
            nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(),
        )  # fmt: skip
        self.head = nn.Linear(128, 10)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


@dataclass
class Classifier:
    net: DigitClassifier
    accuracy: float  # on the held-out digits
    seconds: float  # training time (0 when read from the cache)


@torch.enable_grad()  # callers may be inside no_grad (a trainer's snapshot)
def train_classifier(data: MNIST, epochs: int = 4, seed: int = 0) -> Classifier:
    """Train on the training digits with Adam, batch 64; report held-out accuracy."""
    started = time.perf_counter()
    net = seeded(seed, DigitClassifier)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x, y = torch.as_tensor(data.train_images), torch.as_tensor(data.train_labels)
    rng = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for idx in torch.randperm(len(x), generator=rng).split(64):
            loss = F.cross_entropy(net(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    net.eval()
    return Classifier(net, accuracy(net, data), time.perf_counter() - started)


@torch.no_grad()
def accuracy(net: DigitClassifier, data: MNIST) -> float:
    x, y = torch.as_tensor(data.test_images), torch.as_tensor(data.test_labels)
    predictions = torch.cat([net(batch).argmax(1) for batch in x.split(1000)])
    return float((predictions == y).double().mean())


def load_classifier(data: MNIST, folder: Path | None = None) -> Classifier:
    """The classifier for this data set, trained once and then read from the cache."""
    path = (folder or cache_dir()) / f"classifier-{'full' if data.full else 'subset'}-v1.pt"
    if path.exists():
        try:
            saved = torch.load(path, weights_only=True)
            net = DigitClassifier()
            net.load_state_dict(saved["state"])
            net.eval()
            return Classifier(net, float(saved["accuracy"]), 0.0)
        except (RuntimeError, KeyError, ValueError, OSError):
            path.unlink(missing_ok=True)  # a damaged cache file: train again
    classifier = train_classifier(data, epochs=2 if data.full else 4)
    path.parent.mkdir(parents=True, exist_ok=True)
    # written whole, then renamed: a process reading it meanwhile (another test worker) never sees half
    partial = path.with_suffix(f".{os.getpid()}.part")
    torch.save({"state": classifier.net.state_dict(), "accuracy": classifier.accuracy}, partial)
    partial.replace(path)
    return classifier


_scorers: dict[int, DigitScorer] = {}
_scorers_lock = threading.Lock()


def shared_scorer(data: MNIST, real_digits: int) -> DigitScorer:
    """One DigitScorer per data set and process, shared by every session (it is only read: the
    classifier in eval mode and the real digits' features, computed once)."""
    with _scorers_lock:
        key = id(data)
        if key not in _scorers:
            _scorers[key] = DigitScorer(load_classifier(data), data.test_images[:real_digits])
        return _scorers[key]


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Frechet distance between Gaussians fitted to feature sets a and b (rows are samples)."""
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    with warnings.catch_warnings():  # ReLU features make singular covariances: sqrtm still works
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        root = linalg.sqrtm(cov_a @ cov_b)
    if np.iscomplexobj(root):
        root = root.real
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a + cov_b - 2 * root))


@dataclass
class DigitScores:
    class_histogram: np.ndarray  # (10,) fraction of samples per predicted digit
    entropy: float  # of the class histogram, nats (log 10 = 2.30 when all digits are equally common)
    digits_present: int  # digits with at least APPEARS of the samples
    confidence: float  # mean max_y p(y|x)
    inception: float  # exp(E_x KL(p(y|x) || p(y)))
    frechet: float  # to the real held-out digits' features


class DigitScorer:
    """Scores batches of digits (values in [0, 1], shape (n, 784)) against the real held-out ones."""

    def __init__(self, classifier: Classifier, real: np.ndarray) -> None:
        self.classifier = classifier
        self.real_features = self._features(torch.as_tensor(real))[0]

    @torch.no_grad()
    def _features(self, x: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
        net = self.classifier.net
        features = torch.cat([net.features(batch) for batch in x.float().split(1000)])
        probs = torch.softmax(net.head(features), dim=1)
        return features.double().numpy(), probs.double().numpy()

    def score(self, images: np.ndarray | torch.Tensor) -> DigitScores:
        features, probs = self._features(torch.as_tensor(images).clamp(0, 1))
        marginal = probs.mean(0)
        histogram = np.bincount(probs.argmax(1), minlength=10) / len(probs)
        kl = (probs * (np.log(probs + 1e-12) - np.log(marginal + 1e-12))).sum(1).mean()
        nonzero = histogram[histogram > 0]
        return DigitScores(
            class_histogram=histogram,
            entropy=float(-(nonzero * np.log(nonzero)).sum()),
            digits_present=int((histogram >= APPEARS).sum()),
            confidence=float(probs.max(1).mean()),
            inception=float(math.exp(kl)),
            frechet=frechet_distance(self.real_features, features),
        )
