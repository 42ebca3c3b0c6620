"""What changed between two versions of a memo, field by field and line by line.

Pure: it takes opened content, so reading (and auditing) the versions stays in the selectors.
Long unchanged stretches are cut to a few lines of context, as in a unified diff. The lines
in common are found with bounded work (``matching``); versions that would take more are
shown as "too different to show line by line", never as a page that does not answer.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dissent.channel.content import MemoContent
from dissent.web.matching import common_blocks

CONTEXT_LINES = 3
# Units of work (web.matching) per field: about a tenth of a second of one core at most.
DIFF_BUDGET = 400_000


@dataclass(frozen=True)
class Line:
    kind: str  # "same", "removed" or "added"
    old_number: int | None
    new_number: int | None
    text: str


@dataclass(frozen=True)
class FieldDiff:
    label: str | Promise
    hunks: list[list[Line]] | None  # None: too different to show line by line

    @property
    def changed(self) -> bool:
        return self.hunks is None or bool(self.hunks)


class KnownBlocks(difflib.SequenceMatcher):
    """difflib's hunks and context over matching blocks found elsewhere (with bounded work)."""

    def __init__(self, blocks: list[tuple[int, int, int]], old: list[str], new: list[str]) -> None:
        super().__init__(a=[], b=[], autojunk=False)
        self.known = [difflib.Match(*block) for block in blocks] + [difflib.Match(len(old), len(new), 0)]

    def get_matching_blocks(self) -> list[difflib.Match]:
        return self.known


def line_diff(old: list[str], new: list[str], *, budget: int = DIFF_BUDGET) -> list[list[Line]] | None:
    """Hunks of changed lines with their context; no hunks when nothing changed, None when
    finding them would cost more than ``budget``."""
    blocks = common_blocks(old, new, budget=budget)
    if blocks is None:
        return None
    matcher = KnownBlocks(blocks, old, new)
    hunks = []
    for group in matcher.get_grouped_opcodes(CONTEXT_LINES):
        hunk = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                pairs = zip(range(i1, i2), range(j1, j2), strict=True)
                hunk += [Line("same", i + 1, j + 1, old[i]) for i, j in pairs]
                continue
            hunk += [Line("removed", i + 1, None, old[i]) for i in range(i1, i2)]
            hunk += [Line("added", None, j + 1, new[j]) for j in range(j1, j2)]
        hunks.append(hunk)
    return hunks


def numbered(recommendations: tuple[str, ...]) -> list[str]:
    return [f"{n}. {text}" for n, text in enumerate(recommendations, 1)]


def compare(old: MemoContent, new: MemoContent) -> list[FieldDiff]:
    """Every field of the memo, in the order the memo page shows them."""
    pairs = [
        (_("Title"), [old.title], [new.title]),
        (_("Policy area"), [old.policy_area], [new.policy_area]),
        (_("Summary"), old.summary.splitlines(), new.summary.splitlines()),
        (_("Recommendations"), numbered(old.recommendations), numbered(new.recommendations)),
        (_("Memo"), old.body.splitlines(), new.body.splitlines()),
    ]
    return [FieldDiff(label=label, hunks=line_diff(a, b)) for label, a, b in pairs]
