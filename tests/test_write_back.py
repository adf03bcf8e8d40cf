"""Early writeback of big outputs (scoring/write_back.py): which ranges the kernel is asked to start
writing, that the bytes written do not change, and that nothing is asked of what is not a regular file."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import write_back
from scoring.unit_table import write_parts

needs_fadvise = pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise on this system")


def _recording(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int, int]]:
    asked: list[tuple[int, int, int]] = []
    real = os.posix_fadvise

    def fadvise(fd: int, offset: int, length: int, advice: int) -> None:
        assert advice == os.POSIX_FADV_DONTNEED
        asked.append((fd, offset, length))
        real(fd, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", fadvise)
    return asked


@needs_fadvise
@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(0, 300), max_size=40), step=st.integers(1, 500))
def test_each_step_of_bytes_is_handed_to_the_kernel_once_and_in_order(tmp_path_factory, sizes, step) -> None:
    path = tmp_path_factory.mktemp("wb") / "out.bin"
    parts = [bytes([k % 251]) * n for k, n in enumerate(sizes)]
    with pytest.MonkeyPatch.context() as mp:
        asked = _recording(mp)
        with open(path, "wb") as handle:
            back = write_back.WriteBack(handle, step)
            for part in parts:
                handle.write(part)
                back.wrote(len(part))
    assert path.read_bytes() == b"".join(parts)
    # Each range is the step before (written back by now: dropped) and the new one (started), from 0 on.
    offsets = [offset for _, offset, _ in asked]
    ends = [offset + length for _, offset, length in asked]
    assert offsets == [0, 0, *ends][:len(offsets)]
    assert all(b - a >= step for a, b in zip([0, *ends], ends))
    total, expected, since = 0, 0, 0
    for n in sizes:
        total += n
        if total - since >= step:
            expected, since = expected + 1, total
    assert len(asked) == expected and (not ends or ends[-1] == since)


@needs_fadvise
def test_the_json_writer_starts_the_disk_on_a_big_file(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(write_back, "STEP", 1000)
    monkeypatch.setattr(write_back.WriteBack.__init__, "__defaults__", (1000,))
    asked = _recording(monkeypatch)
    parts = [b"%06d," % k for k in range(2000)]  # 14,000 bytes
    with open(tmp_path / "r.json", "wb") as handle:
        write_parts(iter(parts), handle)
    assert (tmp_path / "r.json").read_bytes() == b"".join(parts)
    # 143 parts a step: each call the step before and the new one
    assert [(offset, length) for _, offset, length in asked] == [(0, 1001)] + [((k - 1) * 1001, 2002) for k in range(1, 13)]


@needs_fadvise
def test_nothing_is_asked_of_a_buffer_a_pipe_or_a_small_file(tmp_path, monkeypatch) -> None:
    asked = _recording(monkeypatch)
    buffer = io.BytesIO()
    write_parts(iter([b"x" * 100] * 10), buffer)
    assert buffer.getvalue() == b"x" * 1000
    read, write = os.pipe()
    with os.fdopen(write, "wb") as pipe:
        back = write_back.WriteBack(pipe, 1)
        pipe.write(b"abc")
        back.wrote(3)
    os.close(read)
    with open(tmp_path / "small.csv", "wb") as handle:  # under the default step
        write_parts(iter([b"y" * 1000] * 10), handle)
    assert asked == []


def test_a_refused_hint_is_not_an_error(tmp_path, monkeypatch) -> None:
    def refuse(*_: object) -> None:
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(os, "posix_fadvise", refuse, raising=False)
    monkeypatch.setattr(os, "POSIX_FADV_DONTNEED", 4, raising=False)
    with open(tmp_path / "r.json", "wb") as handle:
        back = write_back.WriteBack(handle, 10)
        for _ in range(5):
            handle.write(b"z" * 20)
            back.wrote(20)
    assert (tmp_path / "r.json").read_bytes() == b"z" * 100


@pytest.mark.skipif(sys.platform != "linux", reason="the run's big JSON goes through it on Linux")
def test_a_run_writes_the_same_json_with_early_writeback(tmp_path) -> None:
    """End to end: a real run's JSON with a tiny step equals the one without it."""
    import subprocess

    code = ("import sys; from scoring import write_back; write_back.WriteBack.__init__.__defaults__ = ({step},); "
            "from scoring.cli import main; sys.exit(main(sys.argv[1:]))")
    outs = {}
    for step in (1 << 40, 4096):
        out = tmp_path / f"r{step}.json"
        proc = subprocess.run([sys.executable, "-c", code.format(step=step), "run", "enterprise-safety-target",
                               "--sample", "--quiet", "-o", str(out)], capture_output=True, text=True, timeout=300,
                              env={**os.environ, "SOURCE_DATE_EPOCH": "1790000000"})
        assert proc.returncode == 0, proc.stderr
        outs[step] = Path(out).read_bytes()
    assert outs[4096] == outs[1 << 40] and len(outs[4096]) > 4096 * 3
