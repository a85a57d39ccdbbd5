"""The generated site source: pages from the catalog and lessons, the reader's assets, the
generated tree any engine renders.
"""
