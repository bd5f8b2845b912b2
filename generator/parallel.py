"""Run the parts of a job at the same time in forked processes (where the OS can fork).

A part is a function of its number and the number of parts. Part 0 runs in this process;
each other part runs in a child process forked from it, so it sees everything this
process holds without copying it (the archive, the compiled templates), and sends only
its result back, pickled through a pipe. Results come back in part order, so what a job
computes does not depend on how many processes computed it.

PA_WORKERS (an environment variable) sets the number of processes; by default, one per
CPU this process may run on, at most MAX_WORKERS.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar, cast

T = TypeVar("T")

#: processes by default, at most: each one holds its own copy of what it touches.
MAX_WORKERS = 2


def workers() -> int:
    """How many processes to run parts in (1: no child process)."""
    setting = os.environ.get("PA_WORKERS", "").strip()
    if setting:
        try:
            return max(1, int(setting))
        except ValueError:
            pass
    if not hasattr(os, "fork"):
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cpus))


class WorkerError(RuntimeError):
    """A child process ended without reporting a result."""


def run_parts(
    task: Callable[[int, int], T],
    parts: int,
    undo: Callable[[list[T]], None] | None = None,
) -> list[T]:
    """``[task(0, parts), ..., task(parts - 1, parts)]``, the parts running at the same time.

    When a part raises, every other part is still waited for, ``undo`` (if given) is called
    with the results of the parts that succeeded, and the first part's error is raised.
    """
    if parts <= 1 or not hasattr(os, "fork"):
        return [task(number, parts) for number in range(parts)]
    children: list[tuple[int, int]] = []  # (pid, read end of its pipe)
    errors: list[BaseException] = []
    try:
        for number in range(1, parts):
            children.append(_fork(task, number, parts))
    except BaseException as error:  # could not start every part
        errors.append(error)
    results: list[T] = []
    if not errors:
        try:
            results.append(task(0, parts))
        except BaseException as error:
            errors.append(error)
    for pid, reader in children:
        try:
            results.append(cast(T, _collect(pid, reader)))
        except BaseException as error:
            errors.append(error)
    if errors:
        if undo is not None:
            undo(results)
        raise errors[0]
    return results


def shared(items: Sequence[T], parts: int) -> Callable[[], Iterator[T]]:
    """Hand out `items` to the parts of :func:`run_parts` (made before it runs): each part
    calls the function returned and gets the items no other part took, one at a time, so a
    part that is slowed down (a busy CPU) takes fewer."""
    if parts <= 1:
        return lambda: iter(items)
    taken = multiprocessing.Value("q", 0)  # the next item to hand out, in memory the parts share

    def take() -> Iterator[T]:
        while True:
            with taken.get_lock():
                index = taken.value
                taken.value = index + 1
            if index >= len(items):
                return
            yield items[index]

    return take


def _fork(task: Callable[[int, int], T], number: int, parts: int) -> tuple[int, int]:
    reader, writer = os.pipe()
    pid = os.fork()
    if pid:
        os.close(writer)
        return pid, reader
    # The child: never returns, never runs the parent's clean-up (atexit, finally blocks).
    status = 1
    try:
        os.close(reader)
        # What the parent built is never garbage here: keep the collector off it, so that
        # collections do not write to (and so copy) every page of it.
        gc.freeze()
        try:
            payload = pickle.dumps((True, task(number, parts)), pickle.HIGHEST_PROTOCOL)
        except BaseException as error:
            payload = _pickled_error(error)
        with os.fdopen(writer, "wb") as stream:
            stream.write(payload)
        status = 0
    finally:
        os._exit(status)


def _pickled_error(error: BaseException) -> bytes:
    details = "".join(traceback.format_exception(error))
    try:
        error.add_note(f"in a worker process:\n{details}")
        return pickle.dumps((False, error), pickle.HIGHEST_PROTOCOL)
    except Exception:  # an error that does not pickle: its text
        return pickle.dumps((False, WorkerError(details)), pickle.HIGHEST_PROTOCOL)


def _collect(pid: int, reader: int) -> object:
    with os.fdopen(reader, "rb") as stream:
        payload = stream.read()
    _, status = os.waitpid(pid, 0)
    if not payload:
        raise WorkerError(f"a worker process ended without a result ({_describe(status)})")
    succeeded, value = pickle.loads(payload)
    if not succeeded:
        raise value
    return value


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
