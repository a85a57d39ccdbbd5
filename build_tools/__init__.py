"""Top-Down Deep Learning: catalog, lessons, link checks and the MkDocs plugin for the site."""

__version__ = "0.1.0"
