"""Whether a sentence speaks of the training run or of inference and users' recipes: the cue words nearest a
figure, else the paragraph's last cue, else the section heading."""

from __future__ import annotations

import functools
import re

from cardlint.core.memo import last_by_identity
from cardlint.core.regex_store import compile_pattern
from cardlint.extract.layout import Block

# Cues around an accelerator name; inference phrases come first so "must be used" is not read as "used".
_CUES = compile_pattern(
    r"(?P<inference>must be used|or (?:above|higher|newer)|inference|\binfer\b|deploy\w*|serving|\bserve\b"
    r"|to run\b|runs (?:on|in|with)|can run|running (?:on|it|locally)|latency|throughput|quantiz\w*"
    r"|\bint[48]\b|minimum|requirements?|requires?|required|load the model|consumer[- ]grade|benchmark\w*"
    r"|memory usage|\btested\b|\btesting\b|fits? (?:in|into|on)\b|推理|部署|显存)"
    r"|(?P<training>train\w*|pre-?train\w*|fine-?tun\w*|\bcompute\b|hardware|cluster|gpu[- ]hours|spent"
    r"|\bused\b"
    r"|utili[sz]\w*|provided|research cloud|\bTRC\b|\bTFRC\b|programme|sponsor\w*|supercomputer|epochs?"
    r"|\bGPUs:|训练|算力)",
    re.IGNORECASE,
)


# Sentences that tell readers what they can do with the model are never about how it was trained.
# ("thanks to the support of a programme" is a sponsor, not a feature)
USER_RECIPE = compile_pattern(
    r"you can|your own|\busers?\b|we (?:now )?support|\bsupports?\b(?!\s+(?:of|from|by)\b)", re.IGNORECASE
)


# A sentence without a cue of its own ("Learned about 30 days on 2 A6000") is read in the light of its section
_TRAINING_HEADING = compile_pattern(r"train|hardware|compute|infrastructure|训练", re.IGNORECASE)


DATA_HEADING = compile_pattern(r"\bdata|corpus|dataset", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def training_section(headings: tuple[str, ...]) -> bool:
    """Whether the nearest heading that says anything about training is about the run (not its data)."""
    for title in reversed(headings):
        if _TRAINING_HEADING.search(title):
            return not DATA_HEADING.search(title)
    return False


def training_context(block: Block, offset: int) -> bool:
    """For a sentence without a cue of its own: the last cue earlier in its paragraph ("... to be pre-trained
    on PubMed. We use 32 A100 GPUs for about 7 days."), else the section it sits in. Asked for each figure
    of a sentence, the same for all of them: answered once per sentence (per block and offset)."""
    known = _contexts_of(block)
    if offset not in known:
        known[offset] = _training_context(block, offset)
    return known[offset]


@last_by_identity
def _contexts_of(block: Block) -> dict[int, bool]:
    return {}


def _training_context(block: Block, offset: int) -> bool:
    last = None
    for match in _CUES.finditer(block.text, max(0, offset - 300), offset):
        last = match
    if last is not None:
        return last.group("training") is not None
    return training_section(block.headings)


def trained_on(sentence: str, start: int, end: int, context: bool) -> bool:
    """The cue nearest before the accelerator name decides (training or inference); without one, the nearest
    cue after it; without either, the sentence's cues (all of them training ones); without any cue, the
    `context` of the sentence (`training_context`)."""
    before = None
    for match in _CUES.finditer(sentence, max(0, start - 150), start):
        before = match
    if before is not None:
        return before.group("training") is not None
    after = _CUES.search(sentence, end, min(len(sentence), end + 80))
    if after is not None:
        return after.group("training") is not None
    cues = list(_CUES.finditer(sentence))
    if not cues:
        return context
    return all(match.group("training") for match in cues)
