"""Big outputs started on disk as they are made (scoring/write_back.py, used by scoring/outputs.py):
which ranges the kernel is advised on, that the bytes written do not change, that a refused advice
is not an error, and that only the temporaries of outputs go through it (not a plugin's handle)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import write_back
from scoring.outputs import Output, write_outputs
from scoring.unit_table import write_parts

needs_fadvise = pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise on this system")


def _recording(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Each advice as (offset, length); every byte advised has reached the file when it is given."""
    asked: list[tuple[int, int]] = []
    real = os.posix_fadvise

    def fadvise(fd: int, offset: int, length: int, advice: int) -> None:
        assert advice == os.POSIX_FADV_DONTNEED
        assert os.fstat(fd).st_size >= offset + length  # in the kernel's hands, not in a buffer of ours
        asked.append((offset, length))
        real(fd, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", fadvise)
    return asked


def _expected(sizes: list[int], step: int) -> list[tuple[int, int]]:
    """From 0: at each step, the bytes since the step before last."""
    ranges, total, started, before = [], 0, 0, 0
    for n in sizes:
        total += n
        if total - started >= step:
            ranges.append((before, total - before))
            before, started = started, total
    return ranges


@needs_fadvise
@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(0, 300), max_size=40), step=st.integers(1, 500), buffered=st.booleans())
def test_each_step_advises_the_bytes_since_the_step_before_last(tmp_path_factory, sizes, step, buffered) -> None:
    path = tmp_path_factory.mktemp("wb") / "out.bin"
    parts = [bytes([k % 251]) * n for k, n in enumerate(sizes)]
    with pytest.MonkeyPatch.context() as mp:
        asked = _recording(mp)
        raw = write_back.WritingBack(os.open(path, os.O_WRONLY | os.O_CREAT), step)
        with (io.BufferedWriter(raw, buffer_size=64) if buffered else raw) as handle:
            for part in parts:
                handle.write(part)
    assert path.read_bytes() == b"".join(parts)
    if not buffered:  # through a buffer the kernel gets other pieces; the ranges still follow on
        assert asked == _expected(sizes, step)
    ends = [offset + length for offset, length in asked]
    assert [offset for offset, _ in asked] == [0, 0, *ends][:len(asked)]


@needs_fadvise
@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_big_result_is_advised_from_the_start_and_written_as_it_was(tmp_path, monkeypatch, fmt) -> None:
    monkeypatch.setattr(write_back.WritingBack.__init__, "__defaults__", (1000,))
    asked = _recording(monkeypatch)
    parts = [b"%06d," % k for k in range(2000)]  # 14,000 bytes
    write_outputs([Output("-o", tmp_path / f"r.{fmt}", lambda handle: write_parts(iter(parts), handle))])
    assert (tmp_path / f"r.{fmt}").read_bytes() == b"".join(parts)
    assert asked and asked[0] == (0, asked[0][1]) and sum(1 for offset, _ in asked if offset == 0) == 2


@needs_fadvise
def test_a_small_output_and_other_handles_are_not_advised(tmp_path, monkeypatch) -> None:
    asked = _recording(monkeypatch)
    write_outputs([Output("-o", tmp_path / "small.csv", "a,b\n" * 1000)])  # under the default step
    buffer = io.BytesIO()  # a plugin's or an embedder's handle: write_parts only writes to it
    write_parts(iter([b"x" * 100] * 10), buffer)
    assert buffer.getvalue() == b"x" * 1000 and asked == []


def test_write_parts_needs_only_write() -> None:
    """A sink with nothing but write() (a socket wrapper, a hash) is enough, as it always was."""

    class Sink:
        def __init__(self) -> None:
            self.parts: list[bytes] = []

        def write(self, data: bytes) -> int:
            self.parts.append(bytes(data))
            return len(data)

    sink = Sink()
    write_parts(iter([b"a", b"b", b"c"]), sink)  # type: ignore[arg-type]
    assert b"".join(sink.parts) == b"abc"


def test_a_refused_advice_is_asked_once_and_not_an_error(tmp_path, monkeypatch) -> None:
    calls: list[object] = []

    def refuse(*args: object) -> None:
        calls.append(args)
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(os, "posix_fadvise", refuse, raising=False)
    monkeypatch.setattr(os, "POSIX_FADV_DONTNEED", 4, raising=False)
    with write_back.WritingBack(os.open(tmp_path / "r.json", os.O_WRONLY | os.O_CREAT), 10) as handle:
        for _ in range(5):
            handle.write(b"z" * 20)
    assert (tmp_path / "r.json").read_bytes() == b"z" * 100
    assert len(calls) == 1


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_run_writes_the_same_result_with_advice_at_every_page(tmp_path, fmt) -> None:
    """End to end, the real command: a result advised every 4 KB equals the one never advised."""
    code = ("import sys; from scoring import write_back; write_back.WritingBack.__init__.__defaults__ = ({step},); "
            "from scoring.cli import main; sys.exit(main(sys.argv[1:]))")
    outs = {}
    for step in (1 << 40, 4096):
        out = tmp_path / f"r{step}.{fmt}"
        proc = subprocess.run([sys.executable, "-c", code.format(step=step), "run", "enterprise-safety-target",
                               "--sample", "--quiet", "-o", str(out)], capture_output=True, text=True, timeout=300,
                              env={**os.environ, "SOURCE_DATE_EPOCH": "1790000000"})
        assert proc.returncode == 0, proc.stderr
        outs[step] = Path(out).read_bytes()
    assert outs[4096] == outs[1 << 40] and len(outs[4096]) > 4096 * 3
