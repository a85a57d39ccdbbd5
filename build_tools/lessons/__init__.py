"""Lessons: discovery and front matter, teaching markup, parallel environment-aware execution,
the cache, and rendering executed notebooks.
"""
