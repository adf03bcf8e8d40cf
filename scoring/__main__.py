"""`python -m scoring ...`: the `scoring` command where its script is not on PATH (e.g. a Windows
install without the Scripts folder on PATH); the same entry point as the console script."""

from __future__ import annotations

from .launch import console

if __name__ == "__main__":
    console()
