"""Stage 4, compose: a checked Brief and its evidence → the one Page every output renders.
"""
