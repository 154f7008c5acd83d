"""Run tfparse in a separate, bounded process.

tfparse embeds Go code that can abort the whole process on hostile
input (a panic on an invalid type constraint), grow without bound
(`file()` of a device, a huge heredoc) or take minutes. Scanned input
must never take costlint down with it, so every call runs in one
long-lived worker process (`python -m` this module) with a memory limit
and a time limit per call; when the worker dies or overruns, the call
fails with a reason and the next call starts a fresh worker.

The protocol is length-prefixed pickles over the worker's standard
input and output; both ends are this module, and the worker writes its
own (and Go's) log lines to a file the parent passes to `logging`.
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import resource
import select
import struct
import subprocess
import sys
import tempfile
from typing import IO, Any

log = logging.getLogger(__name__)

MEMORY_LIMIT = 8 * 1024**3
TIME_LIMIT = 120.0
_HEADER = struct.Struct(">Q")


class WorkerFailure(Exception):
    """The worker crashed, ran out of memory or time; one sentence."""

    def __init__(self, message: str, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


def _send(stream: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes:
    chunks = []
    while size:
        if deadline is not None:
            ready, _w, _x = select.select([fd], [], [], deadline)
            if not ready:
                raise TimeoutError
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _receive(fd: int, deadline: float | None = None) -> Any:
    (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
    return pickle.loads(_read_exact(fd, size, deadline))


def serve(log_path: str) -> None:
    """The worker's loop: load a directory per request, reply."""
    replies = os.fdopen(os.dup(1), "wb")
    sink = os.open(log_path, os.O_WRONLY | os.O_APPEND)
    os.dup2(sink, 1)
    os.dup2(sink, 2)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    import tfparse

    while True:
        try:
            path, kwargs = _receive(0)
        except EOFError:
            return
        try:
            reply = ("ok", tfparse.load_from_path(path, **kwargs))
        except tfparse.ParseError as exc:
            reply = ("parse-error", str(exc))
        except Exception as exc:  # reported to the caller, never lost
            reply = ("error", f"{type(exc).__name__}: {exc}")
        _send(replies, reply)


class _Worker:
    """One worker process and its pipes, restarted after a failure."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        handle, self._log = tempfile.mkstemp(prefix="costlint-tfparse-")
        os.close(handle)

    def call(self, path: str, kwargs: dict[str, Any]) -> tuple[str, Any]:
        process = self._ensure()
        if process.stdin is None or process.stdout is None:
            raise WorkerFailure("the Terraform worker has no pipes")
        offset = os.path.getsize(self._log)
        try:
            _send(process.stdin, (path, kwargs))
            reply: tuple[str, Any] = _receive(
                process.stdout.fileno(),
                TIME_LIMIT,
            )
        except TimeoutError:
            self.stop()
            raise WorkerFailure(
                f"Terraform evaluation took longer than {TIME_LIMIT:.0f} s",
                timed_out=True,
            ) from None
        except (EOFError, OSError, pickle.UnpicklingError):
            detail = self._last_words(offset)
            self.stop()
            raise WorkerFailure(
                f"Terraform evaluation crashed ({detail})",
            ) from None
        self._log_lines(offset)
        return reply

    def _ensure(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__, self._log],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        return self._process

    def _last_words(self, offset: int) -> str:
        """The first line of what the worker wrote before dying."""
        code = self._process.wait(5) if self._process else None
        lines = [
            line.strip()
            for line in self._read_log(offset).splitlines()
            if line.strip()
        ]
        for line in lines:
            if line.startswith(("panic:", "fatal error:", "runtime:")):
                return line
        if code is not None and code < 0:
            return f"killed by signal {-code}, possibly out of memory"
        if lines:
            return lines[-1][:200]
        return f"exit code {code}"

    def _read_log(self, offset: int) -> str:
        with open(self._log, "rb") as handle:
            handle.seek(offset)
            return handle.read(64 * 1024).decode(errors="replace")

    def _log_lines(self, offset: int) -> None:
        for line in self._read_log(offset).splitlines():
            log.debug("tfparse: %s", line)

    def stop(self) -> None:
        """End the worker process, if any."""
        process, self._process = self._process, None
        if process is None:
            return
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()
        if process.poll() is None:
            process.kill()
        process.wait(5)

    def close(self) -> None:
        """Stop the worker and remove its log file."""
        self.stop()
        if os.path.exists(self._log):
            os.unlink(self._log)


_WORKER: _Worker | None = None


def load_from_path(path: str, **kwargs: Any) -> tuple[str, Any]:
    """tfparse.load_from_path in the worker: (status, result or text)."""
    global _WORKER
    if _WORKER is None:
        _WORKER = _Worker()
        atexit.register(_WORKER.close)
    return _WORKER.call(path, kwargs)


def stop_worker() -> None:
    """Stop the worker now (it restarts on the next call)."""
    if _WORKER is not None:
        _WORKER.stop()


if __name__ == "__main__":
    serve(sys.argv[1])
