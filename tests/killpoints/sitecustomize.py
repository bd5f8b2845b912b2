"""Fault injection for tests/test_faults.py, loaded by every Python process of a build under
test (through PYTHONPATH): counts the changes the build makes to the file system, across all its
processes, in the file PA_KILL_COUNTER (one byte each), and kills the build's whole process
group with SIGKILL at the PA_KILL_AT-th (0: never, only count).

A mkdir of a folder that is there already changes nothing and is not counted: os.makedirs
tries those, and so does each process of a parallel build for the folders of the files it
writes, which depend on the files it happened to take. Counted, they made the number of
changes differ from one build of the same dumps to the next (a busy machine shares the files
out differently), and a kill point near the end was then never reached."""

from __future__ import annotations

import os
import signal
import sys

_CHANGES = {"os.rename", "os.remove", "os.rmdir", "os.mkdir", "os.symlink", "shutil.rmtree", "os.truncate"}
_WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _changes(event: str, args: tuple[object, ...]) -> bool:
    if event == "os.mkdir" and args[2] == -1 and isinstance(args[0], str | bytes | os.PathLike):
        return not os.path.lexists(args[0])  # (path, mode, dir_fd): -1 is no dir_fd
    if event in _CHANGES:
        return True
    if event != "open" or len(args) < 3:
        return False
    mode, flags = args[1], args[2]
    return bool(isinstance(mode, str) and set(mode) & set("wax+")) or bool(isinstance(flags, int) and flags & _WRITING)


def _install(counter: str, kill_at: int) -> None:
    descriptor = os.open(counter, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def hook(event: str, args: tuple[object, ...]) -> None:
        if _changes(event, args):
            os.write(descriptor, b".")
            if kill_at and os.fstat(descriptor).st_size >= kill_at:
                os.killpg(0, signal.SIGKILL)

    sys.addaudithook(hook)


if os.environ.get("PA_KILL_COUNTER"):
    _install(os.environ["PA_KILL_COUNTER"], int(os.environ.get("PA_KILL_AT") or 0))
