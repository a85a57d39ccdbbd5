"""The processes a lesson starts, found and ended when its run is over.

A lesson's kernel runs in a session and process group of its own (jupyter_client starts
it so), and shutting the kernel down signals that whole group. A process the lesson starts
can leave both, by ``os.setsid()``, a double fork or a daemon library, and would outlive
the build. So each run's kernel carries a mark in its environment, which everything it
starts inherits (an environment is copied on fork and exec unless a program replaces it);
once the run is over, every process still bearing the mark is killed, whatever its
session, group or parent.
"""

from __future__ import annotations

import os
import uuid

import psutil

MARK = "TDL_LESSON_RUN"
# How long the killed processes get to disappear before the run goes on without waiting.
WAIT_S = 5.0


def new_mark() -> str:
    """A value of ``MARK`` no other run uses."""
    return uuid.uuid4().hex


def marked(mark: str) -> list[psutil.Process]:
    """The live processes whose environment carries ``MARK=mark`` (never this one)."""
    found = []
    for process in psutil.process_iter():
        if process.pid == os.getpid():
            continue
        try:
            if process.environ().get(MARK) == mark and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except (psutil.Error, OSError):  # gone meanwhile, or another user's: not ours
            continue
    return found


def end_marked(mark: str) -> list[str]:
    """Kill every process bearing ``mark``; ``"PID (name)"`` of each one killed."""
    processes = marked(mark)
    ended = []
    for process in processes:
        try:
            name = process.name()
            process.kill()  # the run is over: nothing of the lesson's is worth a clean exit
        except psutil.Error:  # gone already, or not ours to end
            continue
        ended.append(f"{process.pid} ({name})")
    psutil.wait_procs(processes, timeout=WAIT_S)
    return ended
