"""Top-Down Deep Learning: catalog, lessons, link checks and the MkDocs plugin that builds the site."""

__version__ = "0.1.0"
