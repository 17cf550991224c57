"""Stage 7, publish: what was built from what (the manifest and its keys), and the one
staging folder swapped in atomically under a lock.
"""
