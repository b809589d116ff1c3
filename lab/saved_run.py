"""A saved run: one file with everything a run needs to go on exactly where it stopped — its
lesson, config, the page's controls, the trainer's `state_dict()` (nets, optimizers, random
states, histories) and its timeline.

The file is written by `torch.save` and read by `torch.load(weights_only=True)`, which rebuilds
only tensors, numbers, strings and containers: nothing in a file is ever executed. Everything
that is not a tensor (config, controls, the frames' structure) travels as JSON text inside it;
the frames' arrays travel as tensors beside that text.

A file that is not a saved run, is cut short, comes from another lesson or another version of
the format, is over `MAX_BYTES` (or would expand past it) is refused with a `RunFileError` that
says which; the page (lab.ui.keep) changes nothing of its run until the file has passed.
"""

from __future__ import annotations

import dataclasses
import io
import json
import pickle
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from lab.data import own
from lab.timeline import Timeline

FORMAT = "GAN · VAE Lab saved run"
VERSION = 3
"""The file format's version; a file of another version is refused. 2: the controls hold the
options' values, not the labels a page shows them by (the D* lesson's shape of p_G, Figure 1's start).
3: a GAN holds one G and one D (side-by-side runs are several trainers), the MLPs' weights (in, out)."""

MAX_BYTES = 64 * 2**20
"""The largest file accepted (an MNIST run with its timeline is about 20 MB)."""

SUFFIX = ".labrun"


class RunFileError(ValueError):
    """A file that cannot be loaded as a run of this lesson; the message says why."""


@dataclass
class LoadedRun:
    """A run read from a file, ready to replace the page's run."""

    config: Any
    controls: dict[str, Any]
    state: dict[str, Any]
    timeline: Timeline

    def build(self, make_trainer: Callable[[Any], Any]) -> Any:
        """The run's trainer, `make_trainer(config)` with the saved state loaded; RunFileError if the
        state does not fit it."""
        try:
            trainer = make_trainer(self.config)
            trainer.load_state_dict(self.state)
        except Exception as err:
            raise RunFileError(
                f"the saved run does not fit this lesson's model ({type(err).__name__})"
            ) from None
        return trainer


# ------------------------------------------------------------------------ the plain codec
def encode(obj: Any, arrays: list[torch.Tensor]) -> Any:
    """`obj` as JSON-able values; its arrays and tensors appended to `arrays` and named by index.
    Dataclasses of the lab (configs, snapshots) are kept by name; anything else is refused."""
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        if obj.dtype == object:
            raise TypeError("an array of Python objects cannot be saved")
        arrays.append(torch.from_numpy(np.ascontiguousarray(obj).copy()))
        return {"array": len(arrays) - 1}
    if isinstance(obj, torch.Tensor):
        arrays.append(obj.detach().cpu().clone())
        return {"tensor": len(arrays) - 1}
    if isinstance(obj, list):
        return [encode(v, arrays) for v in obj]
    if isinstance(obj, tuple):
        return {"tuple": [encode(v, arrays) for v in obj]}
    if isinstance(obj, dict):
        if not all(isinstance(k, str) for k in obj):
            raise TypeError("only dicts with string keys can be saved")
        return {"dict": {k: encode(v, arrays) for k, v in obj.items()}}
    if dataclasses.is_dataclass(obj) and type(obj).__module__.startswith("lab."):
        fields = {f.name: encode(getattr(obj, f.name), arrays) for f in dataclasses.fields(obj)}
        return {"dataclass": f"{type(obj).__module__}:{type(obj).__qualname__}", "fields": fields}
    raise TypeError(f"a {type(obj).__name__} cannot be saved")


def decode(tree: Any, arrays: list[torch.Tensor]) -> Any:
    """The inverse of `encode`. A dataclass is rebuilt only if it is one of the lab's, already
    imported: a name from a file never imports or runs anything."""
    if tree is None or isinstance(tree, bool | int | float | str):
        return tree
    if isinstance(tree, list):
        return [decode(v, arrays) for v in tree]
    if not isinstance(tree, dict) or len(tree) not in (1, 2):
        raise ValueError("unexpected value")
    if "array" in tree:
        return arrays[int(tree["array"])].numpy()
    if "tensor" in tree:
        return arrays[int(tree["tensor"])]
    if "tuple" in tree:
        return tuple(decode(v, arrays) for v in tree["tuple"])
    if "dict" in tree:
        return {str(k): decode(v, arrays) for k, v in tree["dict"].items()}
    if "dataclass" in tree:
        cls = _lab_dataclass(str(tree["dataclass"]))
        values = {k: decode(v, arrays) for k, v in tree["fields"].items()}
        fields = {f.name: f for f in dataclasses.fields(cls)}
        added = [fields[k] for k in set(fields) - set(values)]  # fields new since the file was saved
        if not set(values) <= set(fields) or any(
            not f.init or f.default is dataclasses.MISSING for f in added
        ):
            raise ValueError(f"{cls.__name__} has other fields than the file's")
        obj = cls(**{k: v for k, v in values.items() if fields[k].init})
        for k, v in values.items():
            if not fields[k].init:
                object.__setattr__(obj, k, v)
        return obj
    raise ValueError("unexpected value")


def _lab_dataclass(name: str) -> type:
    """The lab's dataclass called `module:Qualname`, if that module is loaded; else ValueError."""
    module_name, _, qualname = name.partition(":")
    module = sys.modules.get(module_name)
    if not module_name.startswith("lab.") or module is None:
        raise ValueError(f"unknown type {name!r}")
    cls: Any = module
    for part in qualname.split("."):
        cls = getattr(cls, part, None)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise ValueError(f"unknown type {name!r}")
    return cls


# ------------------------------------------------------------------------ writing, reading
def save(lesson: str, trainer: Any, timeline: Timeline, controls: dict[str, Any]) -> bytes:
    """The file of a run of `lesson`: config, `controls` (the page's widget values), the trainer's
    state and the timeline."""
    arrays: list[torch.Tensor] = []
    meta = {
        "lesson": lesson,
        "config": encode(trainer.config, arrays),
        "controls": encode(controls, arrays),
        "timeline": {
            "most": timeline.most,
            "budget": timeline.budget,
            "every": timeline.every,
            "steps": timeline.steps,
            "frames": encode([timeline.frame(s) for s in timeline.steps], arrays),
        },
    }
    data = getattr(trainer.config, "data", None)
    if isinstance(data, str) and own.is_own(data):  # a student's own points travel with the run
        meta["own_points"] = encode(own.points_of(data), arrays)
    buffer = io.BytesIO()
    torch.save(
        {
            "format": FORMAT,
            "version": VERSION,
            "meta": json.dumps(meta),
            "arrays": arrays,
            "state": trainer.state_dict(),
        },
        buffer,
    )
    return buffer.getvalue()


def load(raw: bytes, lesson: str) -> LoadedRun:
    """Read a run of `lesson` from the bytes of a file; RunFileError, saying why, for anything else.
    Its trainer is built later (`LoadedRun.build`), once the page's controls have produced its config:
    a file cannot ask for nets larger than a control allows."""
    if len(raw) > MAX_BYTES:
        raise RunFileError(
            f"the file is {len(raw) / 2**20:.0f} MB, over the limit of {MAX_BYTES // 2**20} MB"
        )
    if not raw:
        raise RunFileError("the file is empty")
    content = _unpickle(raw)
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise RunFileError("this is not a saved run of GAN · VAE Lab")
    if content.get("version") != VERSION:
        raise RunFileError(
            f"the run was saved in format version {content.get('version')!r}; this lab reads version {VERSION}"
        )
    try:
        meta = json.loads(content["meta"])
        arrays = list(content["arrays"])
        saved_lesson = str(meta["lesson"])
    except Exception:
        raise RunFileError("the file is damaged: its description cannot be read") from None
    if saved_lesson != lesson:
        raise RunFileError(
            f"the run was saved on another lesson ({saved_lesson[:40]}): open that lesson to load it"
        )
    try:
        if "own_points" in meta:  # the student's own data, back on this server before the config names it
            own.register(np.asarray(decode(meta["own_points"], arrays), dtype=np.float64))
        config = decode(meta["config"], arrays)
        controls = decode(meta["controls"], arrays)
        saved = meta["timeline"]
        frames = decode(saved["frames"], arrays)
        timeline = Timeline.from_state(dict(zip(saved["steps"], frames, strict=True)), int(saved["every"]))
        if not isinstance(controls, dict):
            raise TypeError("controls")
    except Exception as err:  # whatever a crafted file holds, a message and never a traceback
        raise RunFileError(
            f"the file is damaged: its settings cannot be read ({type(err).__name__})"
        ) from None
    return LoadedRun(config, controls, content["state"], timeline)


def _unpickle(raw: bytes) -> Any:
    """torch.load with weights_only=True: tensors, numbers, strings and containers only. A saved
    run is a zip archive (what torch.save writes, entries stored uncompressed): anything else is not
    one, and an archive that would expand past MAX_BYTES, or tensors that claim more memory than the
    file holds (an expanded view), are refused before they take the server's memory."""
    if raw[:4] != b"PK\x03\x04":
        raise RunFileError("this is not a saved run of GAN · VAE Lab")
    try:
        entries = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    except Exception:
        raise RunFileError("the file is damaged or cut short (truncated)") from None
    if (
        any(e.compress_type != zipfile.ZIP_STORED for e in entries)
        or sum(e.file_size for e in entries) > MAX_BYTES
    ):
        raise RunFileError("the file would expand past the size limit: refused")
    try:
        content = torch.load(io.BytesIO(raw), weights_only=True, map_location="cpu")
    except pickle.UnpicklingError:
        raise RunFileError(
            "the file holds something other than numbers and tensors: refused, nothing in it was run"
        ) from None
    except Exception:
        raise RunFileError("the file is damaged or cut short (truncated)") from None
    _check_tensors(content)
    return content


def _check_tensors(node: Any, depth: int = 0) -> None:
    """Every tensor in `node` plain: dense, contiguous, no gradient, no larger than its storage."""
    if depth > 50:
        raise RunFileError("the file is damaged: nested too deep")
    if isinstance(node, torch.Tensor):
        plain = node.layout == torch.strided and node.is_contiguous() and not node.requires_grad
        if not plain or node.numel() * node.element_size() > node.untyped_storage().nbytes():
            raise RunFileError("the file holds a tensor that is not plain data: refused")
    elif isinstance(node, dict):
        for value in node.values():
            _check_tensors(value, depth + 1)
    elif isinstance(node, list | tuple):
        for value in node:
            _check_tensors(value, depth + 1)
