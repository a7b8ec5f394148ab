"""Two alignments of one session against two reference voices: when to make the second, which to keep.

The neural voice is the nearer reference for most narrators, not for every one: a real person, or
espeak's own voices, can sit nearer espeak's formants than the corpus voice. ``auto`` aligns with
the neural reference first and asks espeak for a second opinion only when the first alignment
itself says it is unsure: a block left unplaced, or a placed block whose sound matched no better
than the session's null model says a wrong pairing does (:data:`~subtoolkit.align.core.Z_BAD`
standard deviations: a wrong pairing does as well about one time in six). A session every block of
which the first reference placed on evidence costs nothing more.

The two alignments' costs cannot be compared: each is a distance to a different voice. What each
says in the same terms is *how many blocks it placed on evidence*, each judged against its own
session's null model (:mod:`subtoolkit.align.null`: the recording warped onto the same reference
played backwards), i.e. in odds, not in distances. So the comparison is, in this order:

1. blocks placed with a match beyond the null bound (``z >= Z_BAD``): a placement the null model
   cannot tell from chance is not counted, however many the alignment made (an alignment that
   forces a block seconds away onto the wrong sound does not win by it);
2. blocks placed at all (the order of the script is evidence too: a block held between two
   credible neighbours);
3. the sum of the blocks' match evidence (each block's odds mapped to 0–1 between ``Z_BAD`` and
   ``Z_GOOD``, so a single very loud block cannot outweigh several).

The second alignment is kept only when it is strictly better; a tie keeps the first (the default
reference). Nothing here is a cost or a threshold fitted to a voice: the two bounds are the odds the
confidence is read on, and the counts are of blocks.

Then, block by block (:func:`fill_in`): a block the kept alignment is unsure of, which the other
placed beyond its null bound *between* the kept alignment's neighbouring placements, is taken from
the other (a film mix whose narrator is the neural voice and whose interviewees sound like espeak
has each matched by the nearer reference). Only such blocks: the placements stay in script order
and never overlap, and each block's confidence is still its own alignment's, against its own null.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from subtoolkit.align.core import Z_BAD, Alignment


@dataclass(frozen=True)
class Evidence:
    """What one alignment found, in terms that do not depend on its reference voice."""

    credible: int
    """Blocks placed with a match beyond the session's null bound (``z >= Z_BAD``)."""
    placed: int
    match: float
    """Sum over the placed blocks of their match evidence (0–1 each, read on the null model's odds)."""

    @property
    def key(self) -> tuple[int, int, float]:
        return self.credible, self.placed, round(self.match, 3)


def block_z(block: object) -> float:
    """A placed block's match, in its session null model's standard deviations below the wrong pairings."""
    evidence = getattr(block, "evidence", {}) or {}
    return float(evidence.get("z", 0.0))


def evidence(alignment: Alignment) -> Evidence:
    placed = [b for b in alignment.blocks if b.placed]
    return Evidence(credible=sum(1 for b in placed if block_z(b) >= Z_BAD), placed=len(placed),
                    match=float(sum(float(b.evidence.get("match", 0.0)) for b in placed)))


def unsure_blocks(alignment: Alignment) -> list[int]:
    """Blocks the alignment left unplaced, or placed on a match the null model cannot tell from a
    wrong pairing: the reason to ask the other reference."""
    return [b.block for b in alignment.blocks if not b.placed or block_z(b) < Z_BAD]


def second_is_better(first: Alignment, second: Alignment) -> bool:
    """Whether ``second`` found more evidence than ``first`` (see the module's docstring); ties keep the first."""
    return evidence(second).key > evidence(first).key


def fill_in(kept: Alignment, other: Alignment) -> tuple[Alignment, list[int]]:
    """``kept`` with the blocks it is unsure of taken from ``other`` where ``other`` placed them beyond
    its null bound and they fit between ``kept``'s placements; and those blocks."""
    theirs = {b.block: b for b in other.blocks}
    blocks = list(kept.blocks)
    taken: list[int] = []
    for i, mine in enumerate(blocks):
        if mine.placed and block_z(mine) >= Z_BAD:
            continue
        o = theirs.get(mine.block)
        if o is None or not o.placed or block_z(o) < Z_BAD or o.start_ms is None or o.end_ms is None:
            continue
        before = max((b.end_ms for b in blocks[:i] if b.placed and b.end_ms is not None), default=None)
        after = min((b.start_ms for b in blocks[i + 1:] if b.placed and b.start_ms is not None), default=None)
        if (before is None or before <= o.start_ms) and (after is None or o.end_ms <= after):
            blocks[i] = o
            taken.append(mine.block)
    if not taken:
        return kept, []
    spans = [(o.start_ms or 0, o.end_ms or 0) for o in blocks if o.block in taken]
    cues = sorted([c for c in kept.cues if c.plan.block not in taken]
                  + [c for c in other.cues if c.plan.block in taken], key=lambda c: (c.start_ms, c.end_ms))
    unmatched = tuple(u for u in kept.unmatched if not any(a < u.end_ms and u.start_ms < b for a, b in spans))
    replanned = tuple(b for b in kept.replanned if b not in taken) + tuple(b for b in other.replanned if b in taken)
    return replace(kept, cues=tuple(cues), blocks=tuple(blocks), unmatched=unmatched, replanned=replanned), taken
