"""The link checker as a pipeline: collect links (catalog, built site), check them (HTTP,
internal, fragments), report (terminal, JSON, annotations, the health page).
"""
