"""Which model a card is about, and whether a table row or sentence names that model or another one.

Family cards (Llama, Pythia, Whisper) describe several sizes at once; a figure counts for the card's own model
only when its row or sentence points at that model. Names are compared loosely because cards write the same
model as `Llama 3.1 8B`, `8B` and `Meta-Llama-3.1-8B`, and every name the card gives its model is one of its
names (`Subject.aliases`). `figure_subject` is the one place that decides whose figure a number in a sentence
is, for prose, key-value lines and table cells alike.
"""

from __future__ import annotations

import bisect
import functools
import re

from cardlint.card.document import Card
from cardlint.core.memo import last_by_identity
from cardlint.core.regex_store import compile_pattern

_SIZE = compile_pattern(r"(?<![A-Za-z0-9.])(\d{1,4}(?:\.\d{1,3})?)\s?([bBmMkKtT])(?![A-Za-z0-9])")
_SIZE_SCALE = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}
_NORM = compile_pattern(r"[^a-z0-9]+")
_PAREN = compile_pattern(r"\([^()]{0,80}\)")
_TITLE = compile_pattern(r"^\s{0,3}#\s+(.{1,200}?)\s*#*\s*$")
_GENERIC_WORDS = {"model", "models", "the", "base", "and", "of", "version", "checkpoint", "size"}


class Subject(str):
    """The card's model: its first name (a str, so reports and every comparison keep working) plus every other
    name the card gives it (`aliases`: repo id, model_name, model-index name, folder or file stem, H1 title).

    A card in `small.md` titled `# Pebble-1B` is about Pebble-1B: a sentence naming Pebble-1B names the
    subject.
    """

    aliases: tuple[str, ...]
    located: tuple[str, ...]  # the names the card's location gives (repo id, folder): trusted first for size

    def __new__(cls, name: str, aliases: tuple[str, ...] = (), located: tuple[str, ...] = ()) -> Subject:
        subject = super().__new__(cls, name)
        subject.aliases = tuple(dict.fromkeys(alias for alias in (name, *aliases) if alias))
        subject.located = located
        return subject


def subject_names(subject: str | None) -> tuple[str, ...]:
    """Every name of the subject without its owner (`org/Pebble-1B` -> `Pebble-1B`), first name first."""
    if not subject:
        return ()
    names = subject.aliases if isinstance(subject, Subject) else (subject,)
    return tuple(dict.fromkeys(name.split("/")[-1] for name in names if name.split("/")[-1]))


def subject_norms(subject: str | None) -> tuple[str, ...]:
    """The subject's names normalised for loose comparison (`Llama 3.1 8B` -> `llama318b`)."""
    return tuple(dict.fromkeys(norm for norm in map(normalise, subject_names(subject)) if len(norm) >= 2))


def subject_size(subject: str | None) -> float | None:
    """The parameter size the subject's names state. When they disagree (a model-index name copied from a
    sibling's card), the size most names state wins; a tie goes to the repo or folder name, then the earlier
    name."""
    located = [name.split("/")[-1] for name in getattr(subject, "located", ())]
    names = list(dict.fromkeys([*located, *subject_names(subject)]))
    sizes = [size for size in map(size_of, names) if size is not None]
    if not sizes:
        return None
    return max(sizes, key=lambda size: (sum(sizes_agree(size, other) for other in sizes), -sizes.index(size)))


def card_subject(card: Card, *, repo_id: str | None = None, folder_name: str | None = None) -> Subject | None:
    """The card's model: repo id, then model_name / model-index name, then folder, then the first title;
    the names after the first become its aliases."""
    names: list[str] = []
    if repo_id:
        names.append(repo_id)
    metadata = card.metadata
    for key in ("model_name", "model-name"):
        value = metadata.get(key)
        if isinstance(value, str) and value.strip():
            names.append(value.strip())
            break
    index = metadata.get("model-index")
    if isinstance(index, list) and index and isinstance(index[0], dict):
        name = index[0].get("name")
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    located = [repo_id] if repo_id else []
    if folder_name and folder_name.strip() not in (".", "", "/"):
        names.append(folder_name.strip())
        located.append(folder_name.strip())
    title = _title(card)
    if title:
        names.append(title)
    if not names:
        return None
    aliases = [alias for alias in (_model_name_in_title(name) for name in names[1:]) if alias]
    return Subject(names[0], tuple(aliases), tuple(located))


_TITLE_NOISE = compile_pattern(
    r"^\W{0,4}(?:model\s*card\s*(?:for|of)?|readme|about|introducing)\s*:?\s*|(?<!\s)\s*(?:model\s*card|readme)\W{0,4}$",
    re.IGNORECASE,
)
_GENERIC_TITLES = {
    "modelid", "model", "modeldetails", "modeldescription", "overview", "introduction", "usage", "summary",
    "description", "", "modelcard", "results", "trainingprocedure",
}  # fmt: skip


def _title(card: Card) -> str | None:
    for section in card.sections:
        if section.level == 1 and section.title:
            return section.title
    for section in card.sections:
        if section.title:
            return section.title
    return None


_TITLE_TAIL = compile_pattern(r":\s|\s[-–—|]\s|\s\(|,\s")


def _model_name_in_title(name: str) -> str | None:
    """A name fit to be an alias: template words removed ("Model Card for Pebble-1B" -> Pebble-1B); a generic
    title or a sentence-long heading names no model."""
    cleaned = _TITLE_NOISE.sub("", name.strip()).strip(" \t*_`:#-")
    # "Pebble-1B: a GPT-2 style model" names Pebble-1B; what follows the colon or dash describes it
    cleaned = _TITLE_TAIL.split(cleaned, maxsplit=1)[0].strip(" \t*_`")
    if normalise(cleaned) in _GENERIC_TITLES or len(cleaned.split()) > 8 or len(normalise(cleaned)) < 2:
        return None
    return cleaned


# In a name, `7b1` / `1b7` (BLOOM, Pythia style) put the decimals after the unit: 7.1B, 1.7B.
_NAME_SIZE = compile_pattern(
    r"(?<![A-Za-z0-9.])(\d{1,4}(?:\.\d{1,3})?)\s?([bBmMkKT])(?:(?<=[bB])(\d)(?![\d.]))?(?![A-Za-z0-9])"
)


# Words after (or before) a size in a name that say it counts data or training, not weights.
_DATA_WORDS = (
    "steps?", "tokens?", "toks?", "frames", "samples", "examples", "words", "sentences", "images", "imgs?",
    "epochs?", "hours", "docs", "documents", "pairs", "utterances", "clips", "videos", "texts", "queries",
    "dialog(?:ue)?s", "passages", "iters?", "iterations", "updates", "episodes", "games", "rows", "tweets",
    "captions", "sequences", "seqs",
)  # fmt: skip
_DATA_UNITS = "(?:" + "|".join(_DATA_WORDS) + ")"
_DATA_BEFORE = compile_pattern(_DATA_UNITS + r"[-_ ]?$", re.IGNORECASE)
_DATA_AFTER = compile_pattern(r"[-_ ]?" + _DATA_UNITS + r"(?![A-Za-z])", re.IGNORECASE)


def size_of(name: str | None) -> float | None:
    """The parameter size a model name states (`Llama-3.1-8B` → 8e9, `bloom-7b1` → 7.1e9), or None.

    A billion-size wins over a million-size (`Llama-3-8B-1M` names an 8B model with a 1M context) and the
    largest wins among them (`Otter-1B-7B` names 1B active of 7B); `8x7B` is an expert layout, not a size."""
    if not name:
        return None
    billions, millions = [], []
    for match in _NAME_SIZE.finditer(name):
        unit = match.group(2)
        value = float(match.group(1) + ("." + match.group(3) if match.group(3) else ""))
        if match.group(3) and "." in match.group(1):
            continue
        if _DATA_BEFORE.search(name, 0, match.start()) or _DATA_AFTER.match(name, match.end()):
            continue  # "ppo-steps-4M", "roberta-100M-tokens": a count of data or steps, not of weights
        if unit in "bBT":
            billions.append(value * (1e12 if unit == "T" else 1e9))
        elif unit in "mM" and value >= 1:
            millions.append(value * 1e6)
    if billions:
        return max(billions)
    return millions[0] if millions else None


@last_by_identity
def sizes_in(text: str) -> list[tuple[float, int, int]]:
    """Model sizes written as `8B` / `70B` / `1.3B` in a sentence: (value, start, end). Asked once per figure
    of the same sentence, so the last sentence's answer is kept (callers only read it)."""
    found = []
    for match in _SIZE.finditer(text):
        if match.group(2) not in ("B", "b"):
            continue
        found.append((float(match.group(1)) * 1e9, match.start(), match.end()))
    return found


def sizes_agree(a: float, b: float) -> bool:
    """Nominal sizes agree when they round to each other (1B vs 1.23B, 12B vs 11.85B, not 7B vs 8B)."""
    low, high = sorted((a, b))
    return low > 0 and high / low <= 1.26


def normalise(name: str) -> str:
    return _NORM.sub("", name.lower())


def row_score(label: str, row_size: float | None, subject: str | None) -> float:
    """How well a table row (its label cell and size) names the subject; 0 when it names another model."""
    if not subject:
        return 0.0
    label = _PAREN.sub(" ", label).strip()
    if re.fullmatch(r"[\w.-]{1,96}/[\w.-]{1,96}", label):
        label = label.split("/")[-1]
    if not label and row_size is None:
        return 0.0
    if normalise(label) in ("total", "sum", "overall", "all"):
        return 0.0
    own_size = subject_size(subject)
    label_size = row_size if row_size is not None else size_of(label)
    size_bonus = 0.0
    if own_size is not None and label_size is not None:
        if not sizes_agree(own_size, label_size):
            return 0.0
        size_bonus = 2.0
    words = [normalise(word) for word in re.split(r"[\s_/|,:-]+", _SIZE.sub(" ", label))]
    words = [word for word in words if word and word not in _GENERIC_WORDS]
    if not words:
        return size_bonus
    best = 0.0
    exact = 1.0 if normalise(label) in subject_norms(subject) else 0.0  # the row is named exactly so
    for subject_norm in subject_norms(subject):
        matched = [word for word in words if word in subject_norm]
        fraction = len(matched) / len(words)
        if fraction < 0.5 or (fraction < 1 and not size_bonus):
            continue
        best = max(best, exact + size_bonus + fraction + 0.01 * sum(len(word) for word in matched))
    return best


def other_subject_name(label: str) -> str:
    """A readable name for another model's row or mention."""
    text = re.sub(r"\s+", " ", label).strip()
    return text[:80] or "other model"


def names_subject(name: str, own: str) -> bool:
    """A normalised name is the subject's when it equals it, is part of it, or extends it without a new
    size or version ("llama318binstruct" for llama318b, but not "wizardcoder33bv11" for wizardcoder)."""
    if name == own or name in own:
        return True
    if own in name:
        return not re.search(r"\d", name.replace(own, "", 1))
    return False


def names_own_model(name: str, subject: str | None) -> bool:
    """A name in the text is one of the subject's names (any alias), compared loosely."""
    norm = normalise(name)
    return any(names_subject(norm, own) for own in subject_norms(subject))


# A size followed by a unit is a quantity ("300B tokens"), not the name of a model size ("the 7B model").
_UNIT_FOLLOWS = compile_pattern(
    r"[\s-]{0,2}(?:tokens?|param|parameters|GPU|TPU|hours|FLOP|words|images|samples)", re.I
)
_CLAUSE_START = compile_pattern(r"[.;,:]\s|\band\b|\bwhile\b|\bwhereas\b")
# bounded prefixes: unbounded ones rescan a long word from each of its letters (quadratic)
_NAME_LIKE = compile_pattern(
    r"[A-Z][\w.]{0,100}-[\w.-]*\w|[A-Za-z]{1,100}\d[\w.-]*\w"
    # "Llama 2 was pretrained on ...", but not the parts of a document or a run ("Stage 1 took ...")
    r"|(?!(?:Stage|Phase|Step|Table|Figure|Fig|Section|Epoch|Round|Part|Level|Chapter|Appendix|Version|Day"
    r"|Week|Month|Year|Top|Batch|Run|Iteration|Experiment|Setting|Node|Task)\s)[A-Z][A-Za-z]{1,30}\s\d{1,2}(?:\.\d)?(?![\w.])"
)
_RELATIVE_LEAD = compile_pattern(r"\s*(?:which|who|that)?\s*")
_STATES_A_FIGURE = compile_pattern(r"\b(?:was|were|is|has been|had been|used|took|required|needed)\b")
_NAME_CUT = compile_pattern(r"[,;:()]|\b(?i:the|a|an|of|on|and|with|was|were)\b")


@functools.lru_cache(maxsize=64)
def _clause_breaks(sentence: str) -> tuple[list[int], list[int]]:
    """The starts and ends of the sentence's clause breaks, found once per sentence."""
    matches = list(_CLAUSE_START.finditer(sentence))
    return [match.start() for match in matches], [match.end() for match in matches]


def clause_around(sentence: str, position: int) -> tuple[int, int]:
    """The clause holding `position`: from the last clause break before it to the first one after it."""
    starts, ends = _clause_breaks(sentence)
    # breaks do not overlap, so both lists are sorted: the last break ending at or before `position` ...
    before = bisect.bisect_right(ends, position)
    start = ends[before - 1] if before else 0
    # ... and the first break starting after it (a break straddling `position` bounds neither side)
    after = bisect.bisect_right(starts, position)
    end = starts[after] if after < len(starts) else len(sentence)
    return start, end


# "a fine-tuned version of Base-7B that was trained for 2 hours": the name is the base, not the run's model.
_NAMED_AS_BASE = compile_pattern(
    r"(?:(?:version|variant|fine-?tune\w*|finetune\w*)\s+(?:of|from|on)|(?:based|built)\s+(?:on|upon)"
    r"|(?:derived|initiali[sz]ed|continued|distilled|trained|pruned)\s+from|on\s+top\s+of"
    r"|continu(?:ed|al|ally)\s+(?:pre-?)?train(?:ed|ing)?\s+of|expansion\s+of|up-?scal\w*\s+of)\s{1,3}"
    r"(?:the\s+)?(?:[\w.-]{1,60}/)?$",
    re.IGNORECASE,
)
# Hyphenated words that start a sentence look like names ("Fine-tuning was performed on 8 GPUs").
_WORD_NOT_NAME = compile_pattern(
    r"(?:fine|pre|post|self|multi|cross|semi|non|re|co|full|half|mixed|low|high|long|short|well|zero|few)"
    r"-[a-z]+",
    re.IGNORECASE,
)
_NAME_CHARS = compile_pattern(r"[\w./-]{1,80}$")


def _named_as_base(sentence: str, position: int) -> bool:
    """Whether the name holding `position` is introduced as the base of the card's model."""
    token = _NAME_CHARS.search(sentence, max(0, position - 80), position)
    start = token.start() if token else position
    return _NAMED_AS_BASE.search(sentence, max(0, start - 60), start) is not None


def _clause_names_other(subject: str, sentence: str, position: int) -> str | None:
    """ "GPT-J was trained for 500 billion tokens": the clause before a figure names another model."""
    start, _end = clause_around(sentence, position)
    antecedent = _antecedent(subject, sentence, start, position)
    if antecedent is not None:
        return antecedent
    names = [
        match
        for match in _NAME_LIKE.finditer(sentence, start, position)
        if len(normalise(match.group(0))) >= 3
        and not _WORD_NOT_NAME.fullmatch(match.group(0))
        and not _named_as_base(sentence, match.start())
    ]
    if not names or any(names_own_model(name.group(0), subject) for name in names):
        return None
    verb = _STATES_A_FIGURE.search(sentence, start, position)
    # the other model is the one the verb is said of: "Training is done on a p3.2xlarge" names none
    actors = [name.group(0) for name in names if verb is not None and name.end() <= verb.start()]
    if not actors:
        return None
    return other_subject_name(actors[-1])


def _antecedent(subject: str, sentence: str, start: int, position: int) -> str | None:
    """ "Finch-7B, which was trained on 2T tokens" / "The base model, Finch-7B, was trained on ...": a clause
    that opens with its verb is said of the last name of the clause before it (the card's own model: None)."""
    verb = _STATES_A_FIGURE.search(sentence, start, position)
    if verb is None or start == 0 or not _RELATIVE_LEAD.fullmatch(sentence, start, verb.start()):
        return None
    previous, _end = clause_around(sentence, max(0, start - 3))
    names = [
        match.group(0)
        for match in _NAME_LIKE.finditer(sentence, previous, start)
        if len(normalise(match.group(0))) >= 3
    ]
    if not names or names_own_model(names[-1], subject):
        return None
    return other_subject_name(names[-1])


def figure_subject(subject: str | None, sentence: str, position: int, value: float | None) -> str | None:
    """Whose figure is the one at `position` of `sentence`: None for the card's own model, else a name for
    the model it belongs to. `value` is the figure itself when it is a parameter count (a size of its own).

    The one home of this decision for prose, key-value lines and table cells: a clause that names another
    model before the figure, or a size in the same clause that is not the subject's, gives it away."""
    if not subject:
        return None
    if value is None:
        named = _clause_names_other(subject, sentence, position)
        if named is not None:
            return named
    own_size = subject_size(subject)
    if own_size is None:
        return None
    if value is not None:
        if sizes_agree(value, own_size):
            return None
        return other_subject_name(f"{value / 1e9:g}B model")
    clause_start, clause_end = clause_around(sentence, position)
    mentions = [
        (size, s, e)
        for size, s, e in sizes_in(sentence)
        if not (s <= position < e)
        and not _UNIT_FOLLOWS.match(sentence, e)
        and clause_start <= s < clause_end
        and not _named_as_base(sentence, s)
    ]
    if not mentions or any(sizes_agree(size, own_size) for size, _s, _e in mentions):
        return None
    nearest = min(mentions, key=lambda item: abs(item[1] - position))
    name = _NAME_CUT.split(sentence[max(0, nearest[1] - 24) : nearest[2]])
    return other_subject_name(name[-1].strip())
