"""Aids while writing a sheet: `cite`, `words`, drafts, and `sources add` / `sources
accept` (the only network code). Beside the stages; they use check's stages, never publish.
"""
