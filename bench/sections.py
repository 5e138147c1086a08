"""Replace one '## ' section of bench/RESULTS.md, or append it, keeping everything else."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def replace_section(heading: str, section: str, results: Path = RESULTS) -> None:
    """``section`` starts with ``heading``; it replaces the text up to the next '## '."""
    text = results.read_text(encoding="utf-8") if results.exists() else ""
    if heading in text:
        before, _, after = text.partition(heading)
        rest = after.split("\n## ", 1)
        text = before + section + ("\n## " + rest[1] if len(rest) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    results.write_text(text, encoding="utf-8")
