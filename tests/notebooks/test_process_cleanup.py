"""A lesson's run leaves no process behind, even one that left the kernel's session."""

from __future__ import annotations

import psutil
import pytest

from tests.notebooks.conftest import write_lesson
from tests.notebooks.test_execution import run

# The lesson starts a child that makes itself a session leader (out of the kernel's process
# group, which shutting the kernel down signals) and then writes its pid; the cell waits
# for that file, so the child has left the group before the cell ends one way or another.
SPAWNS = """# %%
import os, subprocess, sys, time
code = "import os, sys, time; os.setsid(); open(sys.argv[1], 'w').write(str(os.getpid()))"
subprocess.Popen([sys.executable, "-c", code + "; time.sleep(600)", {pid_file!r}])
while not os.path.exists({pid_file!r}):
    time.sleep(0.1)
{ending}
"""


def _gone(pid: int) -> bool:
    """No such process, or one that is already dead (a zombie waiting to be collected)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.mark.parametrize(
    ("ending", "status"),
    [
        ("time.sleep(600)", "timeout"),  # the cell runs past its timeout
        ("raise RuntimeError('failed')", "failed"),  # the cell fails
    ],
)
def test_a_child_in_its_own_session_does_not_outlive_the_lesson(project, tmp_path, ending, status):
    pid_file = tmp_path / "child.pid"
    write_lesson(project, "01-spawns", body=SPAWNS.format(pid_file=str(pid_file), ending=ending))
    result = run(project, cell_timeout=30).runs[0]
    assert result.status == status
    pid = int(pid_file.read_text())
    assert _gone(pid), f"the lesson's child {pid} still runs"
    log = (project / ".cache" / "tdl" / "logs" / "stage-1__01-spawns.log").read_text()
    assert f"ended processes the lesson left behind: {pid} (python" in log
