"""Stage 1, load: a fact sheet's YAML bytes → plain data and a SourceMap of positions.

The pre-scan refuses aliases, tags, tabs and deep nesting before PyYAML builds anything;
libyaml's errors are rewritten in plain words; `edit` changes a sheet's text in place.
"""
