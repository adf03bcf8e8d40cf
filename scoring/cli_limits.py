"""`--max-evidence-mb`: raising the evidence size limit for one big job, on purpose.

MAX_EVIDENCE_BYTES (1 GiB, scoring/evidence_limits.py) keeps a careless or
hostile file from eating the machine's memory; a bureau scoring ten million
rows on a machine that has the memory raises it for that job only, by name.
"""

from __future__ import annotations

import argparse

from .evidence_limits import MAX_EVIDENCE_BYTES, MEBIBYTE


def _megabytes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of MB") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 MB or more")
    return value


def evidence_limit_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-evidence-mb", type=_megabytes, metavar="MB",
        help=f"read an evidence file of up to MB mebibytes (default {MAX_EVIDENCE_BYTES // MEBIBYTE}, "
             "MAX_EVIDENCE_BYTES); for a big job on a machine with the memory (about ten times the file's size)")


def evidence_limit(args: argparse.Namespace) -> int | None:
    """The byte limit the command line asks for, or None for the default."""
    mb = getattr(args, "max_evidence_mb", None)
    return None if mb is None else int(mb) * MEBIBYTE
