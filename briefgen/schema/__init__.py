"""Stage 2, validate: plain data → a Brief, or every schema problem with its position.

The pydantic models are the single truth (the JSON Schema is generated from them); beside
them live what every later stage shares: the kinds' table, the vocabulary (papers, formats,
addresses), the word budgets, the citation graph and how dates read.
"""
