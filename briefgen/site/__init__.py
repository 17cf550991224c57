"""Stage 6, site: the shared pages of many briefings (index, feed, sitemap, 404, sources
page, web assets, search) as {path: bytes}, from their index entries.
"""
