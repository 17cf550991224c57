"""`briefgen serve`: the live preview's watcher, what it holds, and its local web server.
"""
