"""Content shipped with Adaptest: data folders, nothing else."""

from pathlib import Path

DEEP_LEARNING_BANK = Path(__file__).resolve().parent / "deep_learning"

__all__ = ["DEEP_LEARNING_BANK"]
