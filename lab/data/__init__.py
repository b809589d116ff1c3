"""Data sets: toy distributions with exact densities (and, later, MNIST)."""
