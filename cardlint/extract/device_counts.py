"""How many accelerators a sentence says a run used, read around one accelerator name.

Cards write counts many ways: `256 H100`, `32 x 8 x A100`, `4 nodes of 8 x H100s`, `eight A100s`, `a single
V100` (one device), `112 A800 GPU servers, each with 8 ... GPUs` (servers x per-server devices), `2 TPU v3-8`
(slices x chips per slice) and `256 TPU v3 cores` (TensorCores, two per chip). All of them are read here so
prose lines, `Key: value` lines and table cells count devices alike.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from cardlint.core.regex_store import compile_pattern
from cardlint.extract.hardware_names import HardwareMention, find_hardware
from cardlint.extract.numbers import NUMBER_WORDS

_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_VENDOR_WORDS = r"(?:(?:nvidia|tesla|google|cloud|amd|intel|aws|habana)\s+){0,2}"
_BEFORE = compile_pattern(
    r"(?<![A-Za-z0-9_.,/-])(?P<a>\d{1,6}|" + _WORD + r")\s{0,2}"
    r"(?:[x×*]\s{0,2}(?P<b>\d{1,6})\s{0,2})?(?:[x×*]\s{0,2})?"
    r"(?:(?:(?:computing|compute|gpu|training)\s+)?(?:nodes?|servers?|machines?|hosts?),?\s+"
    r"(?:(?:each(?:\s+one)?\s+)?(?:with|of|having|containing)|x|×)\s+(?P<c>\d{1,3})\s{0,2}"
    r"(?:[x×*]\s{0,2})?)?"
    r"(?:\d{2,3}\s?GB\s+)?(?:[张块台个枚]\s{0,2})?" + _VENDOR_WORDS + "$",
    re.IGNORECASE,
)
# "a single V100", "one A100": one device, unless the name is a node or a cluster of them, or a TPU (a single
# TPU is a slice of several chips).
_SINGLE = compile_pattern(
    r"(?<![A-Za-z0-9])(?:a\s+single|single|an?|one)\s+" + _VENDOR_WORDS + "$", re.IGNORECASE
)
_GROUP_AFTER = compile_pattern(
    # at most six qualifiers ("SXM5 80GB NVLink GPU servers" has four): bounded work from any start
    r"(?:[\s-]{1,2}(?:SXM\d?|PCIe|NVLink|\d{2,3}\s?GB|GPUs?|TPUs?)){0,6}[\s-]{1,2}"
    r"(?:servers?|nodes?|machines?|hosts?|clusters?|pods?|instances?|VMs?)\b",
    re.IGNORECASE,
)
_PER_GROUP = compile_pattern(
    r"[\s,]{0,3}(?:each\s+)?(?:with|of|having|containing|equipped with)\s+(?P<n>\d{1,3})\b", re.IGNORECASE
)
_COUNT_AFTER = compile_pattern(r"\s{0,2}(?:GPUs?|TPUs?)?\s{0,2}[x×]\s{0,2}(\d{1,6})\b")
_CORES_AFTER = compile_pattern(r"(?:-\d+)?\s{0,2}(?:pod\s+)?(?:tensor\s*)?cores\b", re.IGNORECASE)
_TWO_CORE_CHIPS = compile_pattern(r"tpu-v[234]|tpu-v5p|tpu")
_MAX_DEVICES = 1_000_000


@dataclass(frozen=True)
class DeviceCount:
    value: int
    start: int  # where the count is written (the name's start when it follows the name)
    end: int  # end of everything the count read, so a per-server name after it is not counted again
    note: str | None = None


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS[text.lower()]


def device_count(text: str, mention: HardwareMention) -> DeviceCount | None:
    """The number of devices `text` states for the accelerator `mention` names, or None."""
    start, end = mention.start, mention.end
    window = max(0, start - 60)
    group = _GROUP_AFTER.match(text, end)
    before = _BEFORE.search(text, window, start)
    if before is not None:
        value = 1
        for name in ("a", "b", "c"):
            if before.group(name):
                value *= _number(before.group(name))
        stop, note = end, None
        if group is not None and not before.group("c"):
            per = _PER_GROUP.match(text, group.end())
            if per is None:
                return None  # "64 A100 nodes": a count of nodes of unstated size
            value *= int(per.group("n"))
            stop, note = per.end(), f"{before.group(0).strip()} groups x {per.group('n')} devices"
        return _scaled(text, mention, DeviceCount(value, before.start(), stop, note))
    single = _SINGLE.search(text, window, start)
    if single is not None and group is None and not mention.hardware_id.startswith("tpu"):
        return DeviceCount(1, single.start(), end)
    follow = _COUNT_AFTER.match(text, end)
    if follow is not None:
        return _scaled(text, mention, DeviceCount(int(follow.group(1)), end, follow.end()))
    singular_end = _singular_end(text, mention, window) if group is None else None
    if singular_end is not None:
        return DeviceCount(1, start, singular_end, IMPLIED_ONE)
    return None


IMPLIED_ONE = "one device implied by a singular name"
# "trained on Tesla V100 GPU": the singular noun says one device (unless the GPU names a node, a memory or
# hours); "V100 GPUs", "multiple V100 GPU" do not.
_SINGULAR_AFTER = compile_pattern(
    r"[\s-]{0,2}(?:GPU|graphics\s+card|card)(?![\w-])"
    r"(?!\s{0,2}(?:hours?|hrs?|h\b|memory|ram|vram|servers?|nodes?|clusters?|machines?|instances?|days?|time"
    r"|setups?|pods?|VMs?)\b)",
    re.IGNORECASE,
)
_PLURAL_BEFORE = compile_pattern(
    r"\b(?:multiple|several|many|each|per|every|some|numerous|all|both|various|our|their|these|those)\s+"
    r"(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
# A `Hardware: RTX 3090` value that is one name and nothing else (backticks, emphasis, "on <provider>" aside)
_BARE_BEFORE = compile_pattern(r"[\s`*_\[(]{0,4}")
_BARE_AFTER = compile_pattern(
    r"(?:[\s-]{0,2}(?:GPU|graphics\s+card|card))?[\s`*_\])]{0,4}(?:(?:on|from|via|at|by|provided)\b.*)?[\s.]*",
    re.IGNORECASE,
)


def _several_chips(mention: HardwareMention) -> bool:
    """A TPU names a slice of several chips, whatever the grammar."""
    return mention.hardware_id.startswith("tpu") or mention.chips is not None


def _singular_end(text: str, mention: HardwareMention, window: int) -> int | None:
    """Where a singular "GPU" after the name ends, unless a plural word leads to the name."""
    if _several_chips(mention):
        return None
    after = _SINGULAR_AFTER.match(text, mention.end)
    if after is None or _PLURAL_BEFORE.search(text, window, mention.start) is not None:
        return None
    return after.end()


def bare_name_count(value: str, mention: HardwareMention) -> DeviceCount | None:
    """`Hardware: RTX 3090` (one name, nothing else, no plural): one device, marked as implied."""
    if _several_chips(mention) or mention.text.lower().endswith("s"):
        return None
    if _BARE_BEFORE.fullmatch(value, 0, mention.start) and _BARE_AFTER.fullmatch(value, mention.end):
        return DeviceCount(1, mention.start, mention.end, IMPLIED_ONE)
    return None


def _scaled(text: str, mention: HardwareMention, count: DeviceCount) -> DeviceCount | None:
    """Counts of TensorCores or of TPU slices turned into chips (the unit of device-hours)."""
    value, note = count.value, count.note
    if _TWO_CORE_CHIPS.fullmatch(mention.hardware_id) and _CORES_AFTER.match(text, mention.end):
        value, note = max(1, value // 2), f"{value} TensorCores = {max(1, value // 2)} chips"
    elif mention.chips is not None:
        value, note = value * mention.chips, f"{value} slices x {mention.chips} chips"
    if not 0 < value <= _MAX_DEVICES:
        return None
    return DeviceCount(value, count.start, count.end, note)


_LIST_SEPARATOR = compile_pattern(r"\s{0,3}[;,/]\s{0,3}|\s{1,3}(?:and|\+)\s{1,3}", re.IGNORECASE)


def listed_devices(text: str) -> int | None:
    """`A100-80GB; A100-80GB`: a list that names each device once counts them (None unless the list names
    two or more devices of one kind and nothing else sits between them)."""
    mentions = list(find_hardware(text))
    if len(mentions) < 2 or len({mention.hardware_id for mention in mentions}) != 1:
        return None
    for left, right in itertools.pairwise(mentions):
        if not _LIST_SEPARATOR.fullmatch(text, left.end, right.start):
            return None
    return len(mentions)


_GENERIC = compile_pattern(r"(?<![A-Za-z0-9-])(?:GPUs?|graphics cards?)(?![A-Za-z0-9-])", re.IGNORECASE)
# A generic count is read only from a statement of what a run did, never of what could be done
_RAN = compile_pattern(
    r"\b(?:was|were|trained|fine-?tuned|took|used|ran|performed|done|conducted|completed|spent|lasted)\b",
    re.IGNORECASE,
)
_MODAL = compile_pattern(r"\b(?:can|could|may|might|able to|should)\b", re.IGNORECASE)
_CLAUSE_BREAK = compile_pattern(r"[,;:()]")
_CAN = compile_pattern(
    r"\b(?:can|could|may|might|should)\b", re.IGNORECASE
)  # "we were able to use" is a report


def capability(text: str, mention: HardwareMention) -> bool:
    """ "fine-tuning can be conducted with a single 2080 GPU": a modal in the clause that leads to the name
    says what could be done with the model, not what a run used."""
    clause_start = max(0, mention.start - 80)
    for match in _CLAUSE_BREAK.finditer(text, clause_start, mention.start):
        clause_start = match.end()
    return _CAN.search(text, clause_start, mention.start) is not None


def generic_devices(text: str) -> Iterator[HardwareMention]:
    """ "GPU" without a model name ("trained on 8 GPUs"): where a device count can be read, not a type."""
    if not _RAN.search(text) or _MODAL.search(text):
        return
    for match in _GENERIC.finditer(text):
        yield HardwareMention("gpu", match.start(), match.end(), match.group(0))


def generic_count(text: str, mention: HardwareMention) -> DeviceCount | None:
    """The count of generic GPUs: a number before a singular "GPU" is a model number ("a 2080 GPU") unless
    it is one device or written as a multiple ("8x GPU")."""
    count = device_count(text, mention)
    if count is None or count.value == 1 or mention.text.lower().endswith("s"):
        return count
    return count if re.search(r"[x×*]\s{0,2}$", text[count.start : mention.start]) else None
