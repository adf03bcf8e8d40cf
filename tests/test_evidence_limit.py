"""MAX_EVIDENCE_BYTES keeps its safe default, and a big job can raise it on purpose, by name."""

from __future__ import annotations

from pathlib import Path

import pytest

import scoring
import scoring.engine as engine_module
from scoring.errors import EvidenceError
from tests.conftest import RATIO_BODY, rubric_text
from tests.test_cli import scoring_cli

ENGINE = scoring.Engine()


def small_file(tmp_path: Path) -> Path:
    path = tmp_path / "e.csv"
    path.write_text("id,a,b,flag\nu1,1,1,是\nu2,4,3,否\n", encoding="utf-8")
    return path


def test_default_limit_refuses_and_names_the_option(tmp_path, monkeypatch):
    rubric = ENGINE.rubric_from_text(rubric_text(RATIO_BODY))
    monkeypatch.setattr(engine_module, "MAX_EVIDENCE_BYTES", 10)
    with pytest.raises(EvidenceError, match="MAX_EVIDENCE_BYTES = 10") as caught:
        ENGINE.load_evidence(rubric, small_file(tmp_path))
    assert "--max-evidence-mb 1 " in caught.value.message and "max_bytes=" in caught.value.message


def test_max_bytes_raises_the_limit_for_one_call(tmp_path, monkeypatch):
    rubric = ENGINE.rubric_from_text(rubric_text(RATIO_BODY))
    monkeypatch.setattr(engine_module, "MAX_EVIDENCE_BYTES", 10)
    evidence = ENGINE.load_evidence(rubric, small_file(tmp_path), max_bytes=1000)
    assert evidence.rows == 2
    with pytest.raises(EvidenceError, match="limit is 20 bytes, as set for this job"):
        ENGINE.load_evidence(rubric, small_file(tmp_path), max_bytes=20)
    with pytest.raises(EvidenceError, match="MAX_EVIDENCE_BYTES = 10"):  # the next call has the default again
        ENGINE.load_evidence(rubric, small_file(tmp_path))


def test_cli_option(tmp_path):
    (tmp_path / "r.toml").write_text(rubric_text(RATIO_BODY), encoding="utf-8")
    rows = "".join(f"u{i:07d},10,9,是\n" for i in range(90_000))
    (tmp_path / "big.csv").write_text("id,a,b,flag\n" + rows, encoding="utf-8")
    size = (tmp_path / "big.csv").stat().st_size
    assert 1 << 20 < size < 2 << 20
    refused = scoring_cli("run", "r.toml", "big.csv", "--max-evidence-mb", "1", "-o", "out.parquet", cwd=tmp_path)
    assert refused.returncode == 1, refused.stderr
    assert f"the file has {size:,} bytes" in refused.stderr and "--max-evidence-mb 2 " in refused.stderr
    assert not (tmp_path / "out.parquet").exists()
    done = scoring_cli("run", "r.toml", "big.csv", "--max-evidence-mb", "2", "-o", "out.parquet", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "90000 scored" in done.stderr
    for bad in ("0", "-5", "1.5", "lots"):
        usage = scoring_cli("run", "r.toml", "big.csv", "--max-evidence-mb", bad, cwd=tmp_path)
        assert usage.returncode == 2 and "--max-evidence-mb" in usage.stderr
