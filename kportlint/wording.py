"""Phrases that several stages share, written once."""

from __future__ import annotations

_DID_YOU_MEAN = " Did you mean"


def capped(message: str, severity: str, reason: str) -> str:
    """A routing verdict lowered to info because the files cannot tell whether the object is deployed
    as written: the reason goes before a closing "Did you mean", which stays last."""
    note = f" Info, not {severity}: {reason}, so the files cannot tell."
    cut = message.rfind(_DID_YOU_MEAN)
    if cut == -1:
        return message + note
    return message[:cut] + note + message[cut:]


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def label_pairs(labels: dict[str, str]) -> str:
    """`app=web, tier=front`, in key order, or "no labels"."""
    return ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "no labels"
