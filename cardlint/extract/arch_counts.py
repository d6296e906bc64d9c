"""What a parameter count from config.json is: total, active and embedding parameters plus the extras a
checkpoint may hold beyond them (a tied head saved twice, buffers, an MTP head, a vision tower), so a rule
can explain a gap instead of flagging it."""

from __future__ import annotations

from dataclasses import dataclass


class ArchitectureError(ValueError):
    """The config cannot be counted: unknown model_type or a missing/invalid dimension (one line)."""


@dataclass(frozen=True)
class ParameterCounts:
    """Parameters of the language model a config describes.

    `active` equals `total` for dense models. `embedding` is the input token embedding (V·h): the block a tied
    head duplicates when saved twice, and the part that costs no matmul FLOP. `extras` lists (label, count)
    pairs a checkpoint may hold in addition; `exact` is False when a generic formula was used.
    """

    total: int
    active: int
    embedding: int
    model_type: str
    notes: tuple[str, ...] = ()
    tied_embeddings: bool = False
    extras: tuple[tuple[str, int], ...] = ()
    exact: bool = True

    @property
    def is_moe(self) -> bool:
        return self.active != self.total


# Labels of `extras`, shared with the consistency rule that explains gaps with them.
EXTRA_TIED_HEAD = "tied lm_head saved a second time"


EXTRA_BUFFERS = "non-parameter buffers saved as tensors (attention masks, rotary inv_freq)"


EXTRA_MTP = "multi-token-prediction (MTP) module"


EXTRA_VISION = "vision tower and projector (approximate)"


EXTRA_MLM_HEAD = "masked-LM head"


def counts_of(
    total: int,
    active: int,
    embedding: int,
    model_type: str,
    tied: bool,
    *,
    buffers: int = 0,
    extras: tuple[tuple[str, int], ...] = (),
    notes: tuple[str, ...] = (),
) -> ParameterCounts:
    more = list(extras)
    if tied:
        more.append((EXTRA_TIED_HEAD, embedding))
    if buffers:
        more.append((EXTRA_BUFFERS, buffers))
    return ParameterCounts(total, active, embedding, model_type, notes, tied, tuple(more))
