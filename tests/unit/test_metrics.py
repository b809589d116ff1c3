"""Mode coverage (VEEGAN) on hand-made samples whose answer is known."""

import numpy as np
import pytest

from lab.metrics import mode_coverage

MODES = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])
STD = 0.5  # high quality within 1.5 of a mode


def test_all_samples_on_three_modes():
    samples = np.repeat(MODES[:3], 5, axis=0) + 0.1
    assert mode_coverage(samples, MODES, STD) == (3, 1.0)


def test_far_samples_are_low_quality_and_cover_nothing():
    samples = np.array([[0.2, 0.0], [5.0, 5.0], [10.0, 1.49], [10.0, 8.4]])
    # (0.2, 0) -> mode 0, good; (5, 5) far; (10, 1.49) within 1.5 of mode 1; (10, 8.4) is 1.6 away
    covered, quality = mode_coverage(samples, MODES, STD)
    assert covered == 2
    assert quality == pytest.approx(0.5)


def test_no_samples():
    assert mode_coverage(np.zeros((0, 2)), MODES, STD) == (0, 0.0)
