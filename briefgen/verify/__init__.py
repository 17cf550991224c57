"""Stage 3, verify: a Brief and its stored texts → diagnostics and the evidence of where
each quote and excerpt was found (provenance, mentions, rules, budgets, chronology).
"""
