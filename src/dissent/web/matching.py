"""Which lines two versions have in common, found with a bounded amount of work.

``difflib.SequenceMatcher`` is super-linear on adversarial input (1,200 short lines held a
worker for 25 to 46 s), and a memo body may have 200,000 characters. This is Myers' O((N+M)·D)
algorithm ("An O(ND) Difference Algorithm and Its Variations", 1986) over line numbers,
after the common head and tail are cut off in linear time, with every step counted: each
diagonal tried and each matching line followed costs one unit, and past ``budget`` units
it gives up (None) so that the caller shows a plain "too different" instead. The cost of a
call is therefore at most O(N + M + budget) time and O(N + M + budget) memory, whatever
the input.

The result is a shortest edit script, so for ordinary edits (lines inserted, deleted or
rewritten) it marks the same lines as SequenceMatcher did.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from math import isqrt

Block = tuple[int, int, int]  # (i, j, n): a[i:i+n] == b[j:j+n], as difflib.Match


def common_blocks(a: Sequence[Hashable], b: Sequence[Hashable], *, budget: int) -> list[Block] | None:
    """The matching blocks of ``a`` and ``b`` in order (adjacent ones merged, no sentinel), or
    None when finding them would cost more than ``budget`` units."""
    ids: dict[Hashable, int] = {}
    x = [ids.setdefault(line, len(ids)) for line in a]
    y = [ids.setdefault(line, len(ids)) for line in b]
    n, m = len(x), len(y)
    head = 0
    while head < min(n, m) and x[head] == y[head]:
        head += 1
    tail = 0
    while tail < min(n, m) - head and x[n - 1 - tail] == y[m - 1 - tail]:
        tail += 1
    middle = shortest_edit(x[head : n - tail], y[head : m - tail], budget)
    if middle is None:
        return None
    blocks = [(0, 0, head), *((i + head, j + head, k) for i, j, k in middle), (n - tail, m - tail, tail)]
    merged: list[Block] = []
    for i, j, k in blocks:
        if k and merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + k)
        elif k:
            merged.append((i, j, k))
    return merged


def shortest_edit(a: list[int], b: list[int], budget: int) -> list[Block] | None:
    """Myers' greedy forward search, keeping each round's furthest points to walk the path back.

    Round d costs d + 1 units and the rounds so far cost about d²/2, so no more than
    √(2·budget) rounds are ever run: the arrays are sized for that, not for N + M.
    """
    n, m = len(a), len(b)
    if not n or not m:
        return []
    rounds = min(n + m, isqrt(2 * budget) + 1)
    centre = rounds + 1
    furthest = [0] * (2 * centre + 1)  # furthest x reached on diagonal k = x - y, at k + centre
    trace: list[list[int]] = []
    work = 0
    for d in range(rounds + 1):
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and furthest[centre + k - 1] < furthest[centre + k + 1]):
                i = furthest[centre + k + 1]  # down: b[j] inserted
            else:
                i = furthest[centre + k - 1] + 1  # right: a[i] deleted
            j = i - k
            start = i
            while i < n and j < m and a[i] == b[j]:
                i += 1
                j += 1
            furthest[centre + k] = i
            work += 1 + i - start
            if i >= n and j >= m:
                trace.append(furthest[centre - d : centre + d + 1])
                return walk_back(a, b, trace)
            if work > budget:
                return None
        trace.append(furthest[centre - d : centre + d + 1])
    return None


def walk_back(a: list[int], b: list[int], trace: list[list[int]]) -> list[Block]:
    """The diagonal runs of the path found, from its end back to (0, 0), returned in order."""
    blocks: list[Block] = []
    i, j = len(a), len(b)
    for d in range(len(trace) - 1, -1, -1):
        k = i - j
        if d == 0:
            start_i = 0
        else:
            before = trace[d - 1]  # round d - 1 reached diagonals -(d-1)..(d-1), at k + d - 1
            down = k == -d or (k != d and before[k - 1 + d - 1] < before[k + 1 + d - 1])
            previous_k = k + 1 if down else k - 1
            previous_i = before[previous_k + d - 1]
            start_i = previous_i if down else previous_i + 1
        run = i - start_i
        if run:
            blocks.append((start_i, start_i - k, run))
        if d:
            i, j = previous_i, previous_i - previous_k
    blocks.reverse()
    return blocks
