"""Stage 5, render: a Page → Markdown and HTML through Jinja2 templates, and the HTML →
exactly one PDF page (WeasyPrint, imported only when a PDF is made).
"""
