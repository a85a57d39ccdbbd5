"""One module per ``python -m build_tools`` command."""
