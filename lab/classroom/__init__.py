"""The class as one room: a store every replica of the lab shares (`store.py`)."""
