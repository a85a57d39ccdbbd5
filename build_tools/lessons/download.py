"""The executed notebook as a reader downloads it and Colab opens it.

A lesson that declares packages beyond the base set (``requires:``) opens with a setup cell
that installs exactly those pins (``%pip install -q ...``), so the notebook runs as it
did in the build on a fresh machine. The cell is added to the download only: the build
itself never installs anything (the project's ``lessons`` extra already holds the pins),
and the page shows the packages in the box under the title instead of as a code cell.
The cell is left unexecuted, with no outputs, like a cell the reader has yet to run.
"""

from __future__ import annotations

from collections.abc import Sequence

from build_tools.lessons.requirements import BASE_PACKAGES, install_command

SETUP_CELL_ID = "tdl-setup"


def setup_cell_source(requires: Sequence[str]) -> str:
    """The install cell's code: what it installs and why, then the ``%pip`` line."""
    return (
        f"# This lesson needs these packages beyond {', '.join(BASE_PACKAGES)}.\n"
        "# (If the notebook asks you to restart the runtime afterwards, do so.)\n"
        + install_command(requires)
    )


def downloadable_notebook(executed: bytes, requires: Sequence[str]) -> bytes:
    """The executed notebook's bytes, with the setup cell first when ``requires`` is not
    empty (unchanged otherwise)."""
    if not requires:
        return executed
    import nbformat

    notebook = nbformat.reads(executed.decode("utf-8"), as_version=nbformat.NO_CONVERT)
    cell = nbformat.v4.new_code_cell(
        setup_cell_source(requires), id=SETUP_CELL_ID, metadata={"tags": ["setup"]}
    )
    notebook.cells.insert(0, cell)
    return nbformat.writes(notebook).encode("utf-8")
