"""What lives as long as the server is kept out of the collector's way; a run's garbage is not."""

import gc
import weakref

from lab import memory


class Cycle:
    def __init__(self) -> None:
        self.me = self  # only the collector frees it


def test_the_imports_are_frozen_once_and_a_later_cycle_is_still_collected():
    memory.freeze_the_imports()
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # torch's, numpy's and the lab's objects
    cycle = Cycle()
    alive = weakref.ref(cycle)
    memory.freeze_the_imports()  # a second call freezes nothing more
    assert gc.get_freeze_count() == frozen
    del cycle
    memory.give_back()
    assert alive() is None
