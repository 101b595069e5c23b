"""Benchmarks: simulator speed against references, peers and the machine's limits (`python -m bench`)."""
