"""Writing a run's outputs so that they cannot destroy its inputs or each other.

A scoring job's output replaces last year's result, sometimes beside the
evidence it was computed from. Three rules keep that safe:

- an output that is the same file as an input (the rubric, the evidence,
  `--previous`), or as another output, is refused before anything is written;
  "the same file" is decided on the file itself (device and inode, symlinks
  followed), not on how its name is spelled;
- a regular file is replaced atomically: written to a temporary file beside
  it, then renamed over it, so a reader never sees half a result. A device, a
  FIFO or `/dev/stdout` cannot be renamed over (as root the rename would
  replace `/dev/null` itself): those are written directly;
- nothing is replaced unless every output could be prepared: all temporaries
  are written first, then the devices and FIFOs, and the renames come only at
  the end, so a bad `--rejects` path (or `/dev/full`) leaves the old result
  in place.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import UsageError
from .write_back import WritingBack

# The whole content, or a function that writes it to an open binary file a
# part at a time (a million units' JSON need not sit in memory whole).
Content = str | bytes | Callable[[BinaryIO], None]


@dataclass(frozen=True)
class Output:
    """One file to write: `label` names it in messages (`-o`, `--rejects`)."""

    label: str
    path: Path
    content: Content


def _emit(handle: BinaryIO, content: Content) -> None:
    # Text outputs are UTF-8 with "\n" line ends exactly as the writer made them.
    if callable(content):
        content(handle)
    else:
        handle.write(content.encode("utf-8") if isinstance(content, str) else content)


def _identity(path: Path) -> tuple[object, ...]:
    """What makes two names the same file: device and inode when it exists, else its resolved path."""
    try:
        st = os.stat(path)  # follows symlinks
    except OSError:
        return ("path", str(Path(os.path.abspath(path)).resolve()))
    return ("inode", st.st_dev, st.st_ino)


def _is_character_device(path: Path) -> bool:
    try:
        return stat.S_ISCHR(os.stat(path).st_mode)
    except OSError:
        return False


def is_direct(path: Path) -> bool:
    """True when `path` must be written in place rather than replaced by a rename.

    Devices and FIFOs cannot be renamed over safely, and `/dev/stdout` or
    `/proc/self/fd/N` name whatever the shell opened, which a rename would not
    reach: all are written directly.
    """
    try:
        st = os.stat(path)
    except OSError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        return True
    text = os.path.abspath(path)
    return any(text == root or text.startswith(root + os.sep) for root in ("/dev", "/proc"))


def check_outputs(outputs: Sequence[tuple[str, Path]], inputs: Sequence[tuple[str, Path]]) -> None:
    """Refuse an output that is an input, or that another output also names.

    `outputs` and `inputs` are (label, path) pairs; the message names both
    labels and paths. Two outputs may share a character device (`/dev/null`),
    where writing twice destroys nothing.
    """
    seen_inputs: dict[tuple[object, ...], tuple[str, Path]] = {}
    for label, path in inputs:
        seen_inputs.setdefault(_identity(path), (label, path))
    seen_outputs: dict[tuple[object, ...], tuple[str, Path]] = {}
    for label, path in outputs:
        ident = _identity(path)
        if ident in seen_inputs and not _is_character_device(path):
            other, other_path = seen_inputs[ident]
            raise UsageError(f"{label} {str(path)!r} is the same file as the {other} {str(other_path)!r}; "
                             "writing it would destroy the input: choose another output file")
        if ident in seen_outputs and not _is_character_device(path):
            other, other_path = seen_outputs[ident]
            raise UsageError(f"{label} {str(path)!r} and {other} {str(other_path)!r} are the same file; "
                             "one would overwrite the other: give each output its own file")
        seen_outputs[ident] = (label, path)


def _umask() -> int:
    # Setting the umask to read it would change it for every thread for a
    # moment; Linux reports it in /proc instead. Elsewhere, set and restore.
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def _new_file_mode() -> int:
    """The mode a plain open() would give a new file under the current umask."""
    return 0o666 & ~_umask()


def _named(exc: OSError, out: Output) -> OSError:
    """The error as the user should read it: naming the output they gave, not a temporary
    (`/dir/.out.json.x1y2.tmp`) or nothing at all (a failed flush to `/dev/full`)."""
    why = exc.strerror or str(exc)
    if isinstance(exc, FileNotFoundError):
        why += f" (the folder {str(out.path.parent)!r} does not exist: create it first)"
    return OSError(exc.errno, f"cannot write {out.label}: {why}", str(out.path))


def _prepare(path: Path, data: Content, mode_for_new: int) -> Path:
    """Write `data` to a temporary file beside `path`'s real target; return the temporary."""
    target = path.resolve()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # A buffered writer over the file, as os.fdopen gives, whose raw file starts the disk on a big
        # output while the rest is made (scoring/write_back.py).
        with io.BufferedWriter(WritingBack(fd)) as handle:
            _emit(handle, data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); give it the mode the old file
        # had, or the one a plain open() would give a new file.
        try:
            mode = target.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = mode_for_new
        os.chmod(tmp, mode)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


# Names for a file the shell opened for this process (`-o /dev/stdout >> log.json`): opened again by
# name, the file is a new opening of the same file, and "wb" would empty it, the shell's `>>` and
# whatever the file held before included. Those are appended to, as the shell's own opening would.
_SHELL_OPENED = ("/dev/stdout", "/dev/stderr")
_SHELL_OPENED_FOLDERS = ("/dev/fd/", "/proc/self/fd/")


def _appends(path: Path) -> bool:
    text = os.path.abspath(path)
    if text in _SHELL_OPENED or text.startswith(_SHELL_OPENED_FOLDERS):
        try:
            return stat.S_ISREG(os.stat(path).st_mode)
        except OSError:
            return False
    return False  # a device, a FIFO, or a file under /dev such as /dev/shm/r.json: written from the start


def _write_direct(path: Path, data: Content) -> None:
    with open(path, "ab" if _appends(path) else "wb") as handle:
        _emit(handle, data)


def write_outputs(outputs: Sequence[Output], *, stdout: Content | None = None) -> None:
    """Write every output, all or nothing as far as files allow.

    Regular files are prepared as temporaries first, then non-regular targets
    are written; if any of that fails, every temporary is removed and the
    error raised (naming the output) with no file replaced. Then the
    temporaries are renamed into place, then `stdout` (the result when no `-o` was given) goes to
    standard output (text as text, bytes to its byte stream).
    """
    mode_for_new = _new_file_mode() if any(not is_direct(o.path) for o in outputs) else 0o644
    prepared: list[tuple[Path, Path]] = []
    direct: list[Output] = []
    try:
        for out in outputs:
            if is_direct(out.path):
                direct.append(out)
            else:
                try:
                    prepared.append((_prepare(out.path, out.content, mode_for_new), out.path.resolve()))
                except OSError as exc:
                    raise _named(exc, out) from None
        # Devices and FIFOs cannot be written atomically; they go before any file is
        # replaced, so a failure there (/dev/full, a closed pipe) replaces nothing.
        for out in direct:
            try:
                _write_direct(out.path, out.content)
            except OSError as exc:
                raise _named(exc, out) from None
    except BaseException:
        for tmp, _ in prepared:
            tmp.unlink(missing_ok=True)
        raise
    for k, (tmp, target) in enumerate(prepared):
        try:
            os.replace(tmp, target)
        except BaseException:
            for rest, _ in prepared[k:]:
                rest.unlink(missing_ok=True)
            raise
    if stdout is not None and sys.stdout is None:  # started with standard output closed (`>&-`)
        raise OSError(errno.EBADF, "it is closed; give an output file with -o", "standard output")
    try:
        if isinstance(stdout, str):
            sys.stdout.write(stdout)
            sys.stdout.flush()
        elif stdout is not None:
            sys.stdout.flush()
            _emit(sys.stdout.buffer, stdout)
            sys.stdout.buffer.flush()
    except OSError as exc:  # named, as a file's error is: `error: standard output: No space left on device`
        raise type(exc)(exc.errno, exc.strerror or str(exc), "standard output") from None


def write_atomic(path: Path, content: Content) -> None:
    """Write one file: atomically when it is a regular file, directly when it is not."""
    write_outputs([Output("output", path, content)])
