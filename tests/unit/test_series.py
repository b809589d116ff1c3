from lab.series import thin


def test_thin_keeps_at_most_most_values_evenly():
    values = list(range(1234))
    kept = thin(values, 500)
    assert len(kept) <= 500 and kept[0] == 0 and kept[1] - kept[0] == 3
    assert thin(values[:10], 500) == values[:10]
