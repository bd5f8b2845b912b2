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
    results: list[T] = []
    # Everything that exists now outlives the parts: while they run, the collector leaves it
    # alone in every process, so that it neither spends time on it nor writes to (and so
    # copies) the pages that the processes share.
    gc.freeze()
    try:
        try:
            for number in range(1, parts):
                children.append(_fork(task, number, parts))
        except BaseException as error:  # could not start every part
            errors.append(error)
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
    finally:
        gc.unfreeze()
    if errors:
        if undo is not None:
            undo(results)
        raise errors[0]
    return results


def shared(items: Sequence[T], parts: int) -> Callable[[int], Iterator[T]]:
    """Hand out `items` to the parts of :func:`run_parts` (made before it runs).

    Part `number` calls the function returned with its number and gets, one at a time, the
    items no other part took, so a part that is slowed down (a busy CPU) takes fewer. Even
    parts take them from the front of `items`, odd parts from the back: two parts work on
    items far apart until they meet (the generator's jobs write to different folders then,
    so the processes do not wait for each other's locks on one folder).
    """
    if parts <= 1:
        return lambda _number: iter(items)
    bounds = multiprocessing.Array("q", [0, len(items)])  # [next from the front, end of the rest]

    def take(number: int) -> Iterator[T]:
        while True:
            with bounds.get_lock():
                front, back = bounds[0], bounds[1]
                if front >= back:
                    return
                if number % 2:
                    index = bounds[1] = back - 1
                else:
                    index = front
                    bounds[0] = front + 1
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
        payload = pickle.dumps((False, error), pickle.HIGHEST_PROTOCOL)
        pickle.loads(payload)  # an exception whose arguments are not those of its __init__ does not load
    except Exception:  # an error that does not pickle: its text
        payload = pickle.dumps((False, WorkerError(details)), pickle.HIGHEST_PROTOCOL)
    return payload


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
