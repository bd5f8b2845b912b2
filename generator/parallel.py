"""Share out the items of a job among processes forked from this one (where the OS can fork).

:func:`share` runs ``work(number, items)`` in `parts` processes at the same time: part 0 in
this process, each other part in a child process forked from it, which sees everything this
process holds without copying it (the archive, the compiled templates) and sends only its
result back, pickled through a pipe. Each part takes the items no other part took yet, one
at a time, so a part slowed down (a busy CPU) takes fewer. Which part takes which item
depends on timing: a job's parts must compute the same whichever items they get (the
generator's jobs do: each item is a file, or a paper scored, on its own).

PA_WORKERS (an environment variable) sets the number of processes; by default, one per
CPU this process may run on, at most MAX_WORKERS. PA_WORKERS=1 runs everything in this
process (forking a process that runs threads is unsafe: set it in a program with threads).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import mmap
import os
import pickle
import struct
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")

#: processes by default, at most: each one holds its own copy of what it touches.
MAX_WORKERS = 2
_BOUNDS = struct.Struct("qq")  # next item from the front, end of the items not taken


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


def share(
    items: Sequence[T],
    parts: int,
    work: Callable[[int, Iterator[T]], R],
    undo: Callable[[list[R]], None] | None = None,
) -> list[R]:
    """``work(number, its items)`` for each part, in part order; every item goes to one part.

    Even parts take items from the front of `items`, odd parts from the back: two parts work
    on items far apart until they meet (the generator's jobs write to different folders
    then, so the processes do not wait for each other's locks on one folder).
    When a part raises, every other part is still waited for, ``undo`` (if given) is called
    with the results of the parts that succeeded, and the first part's error is raised.
    """
    if parts <= 1 or not hasattr(os, "fork"):
        return [work(0, iter(items))]
    with tempfile.TemporaryFile() as lock, mmap.mmap(-1, _BOUNDS.size) as bounds:
        _BOUNDS.pack_into(bounds, 0, 0, len(items))

        def take(number: int) -> Iterator[T]:
            while True:
                fcntl.lockf(lock, fcntl.LOCK_EX)  # released if its holder dies
                try:
                    front, back = _BOUNDS.unpack_from(bounds)
                    if front >= back:
                        return
                    if number % 2:
                        index = back - 1
                        _BOUNDS.pack_into(bounds, 0, front, index)
                    else:
                        index = front
                        _BOUNDS.pack_into(bounds, 0, front + 1, back)
                finally:
                    fcntl.lockf(lock, fcntl.LOCK_UN)
                yield items[index]

        return _run_parts(lambda number: work(number, take(number)), parts, undo)


def map_each(items: Sequence[T], func: Callable[[T], R], parts: int) -> list[R]:
    """``[func(item) for item in items]``, the items shared out among `parts` processes as by
    :func:`share`.

    A child process sends each result back as soon as it has it, appended to a temporary file,
    and this process reads what has come in between its own items: the results are unpickled
    while the others still work, rather than all at once at the end (at 100,000 papers, the
    dumps read by a child take ~0.5 s to send back in one piece)."""
    if parts <= 1 or not hasattr(os, "fork"):
        return [func(item) for item in items]
    results: list[Any] = [_MISSING] * len(items)
    with contextlib.ExitStack() as stack:
        streams = [stack.enter_context(tempfile.TemporaryFile()) for _ in range(1, parts)]
        inbox = [_Inbox(stream.fileno()) for stream in streams]

        def work(number: int, taken: Iterator[int]) -> None:
            if number:  # a child: one frame per result, (index, result) pickled
                stream = streams[number - 1]
                for index in taken:
                    payload = pickle.dumps((index, func(items[index])), pickle.HIGHEST_PROTOCOL)
                    stream.write(_FRAME.pack(len(payload)) + payload)
                    stream.flush()
                return
            for index in taken:
                results[index] = func(items[index])
                for box in inbox:
                    box.take(results)

        share(range(len(items)), parts, work)
        for box in inbox:  # what came in after this process's last item
            box.take(results)
    missing = sum(1 for result in results if result is _MISSING)
    if missing:  # pragma: no cover - every part either sent all its results or raised
        raise WorkerError(f"{missing} results did not come back from the worker processes")
    return cast(list[R], results)


_MISSING = object()  # a result not received yet
_FRAME = struct.Struct("q")  # the length of the pickled (index, result) that follows


class _Inbox:
    """The frames a child appends to a file, read from a position of our own (os.pread does
    not move the offset the child writes at), each as soon as it is there whole."""

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor
        self.position = 0

    def take(self, results: list[Any]) -> None:
        size = os.fstat(self.descriptor).st_size  # bytes below it are written
        while size - self.position >= _FRAME.size:
            (length,) = _FRAME.unpack(os.pread(self.descriptor, _FRAME.size, self.position))
            end = self.position + _FRAME.size + length
            if end > size:
                return
            index, result = pickle.loads(os.pread(self.descriptor, length, self.position + _FRAME.size))
            results[index] = result
            self.position = end


def _run_parts(task: Callable[[int], R], parts: int, undo: Callable[[list[R]], None] | None) -> list[R]:
    children: list[tuple[int, int]] = []  # (pid, read end of its pipe)
    errors: list[BaseException] = []
    results: list[R] = []
    # Everything that exists now outlives the parts: while they run, the collector leaves it
    # alone in every process, so that it neither spends time on it nor writes to (and so
    # copies) the pages that the processes share.
    gc.freeze()
    try:
        try:
            for number in range(1, parts):
                children.append(_fork(task, number))
        except BaseException as error:  # could not start every part
            errors.append(error)
        if not errors:
            try:
                results.append(task(0))
            except BaseException as error:
                errors.append(error)
        for pid, reader in children:
            try:
                results.append(cast(R, _collect(pid, reader)))
            except BaseException as error:
                errors.append(error)
    finally:
        gc.unfreeze()
    if errors:
        if undo is not None:
            undo(results)
        raise errors[0]
    return results


def _fork(task: Callable[[int], R], number: int) -> tuple[int, int]:
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
            payload = pickle.dumps((True, task(number)), pickle.HIGHEST_PROTOCOL)
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
