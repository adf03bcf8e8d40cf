"""How a text evidence file that is not UTF-8 is read: as GB18030, with a note saying so.

Excel on Chinese Windows saves "CSV (逗号分隔)" in the ANSI code page, GBK;
GB18030 is its superset, so it reads every GBK file and nothing is lost. The
CSV loader (plugins/scoring_std/loaders.py) and the fast CSV path
(scoring/fast_csv.py) both read such a file this way and say it in the same
words.
"""

from __future__ import annotations

from pathlib import Path

FALLBACK_ENCODING = "gb18030"


def not_utf8_note(path: Path | str) -> str:
    """The note a file read as GB18030 carries into the evidence and the result."""
    return (f"{path}: not UTF-8; read as GB18030 (GBK, as Excel on Chinese Windows saves CSV); "
            "give --encoding NAME if that is wrong")
