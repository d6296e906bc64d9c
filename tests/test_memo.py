"""core.memo: last_by_identity reuses the answer for the same object (an equal but distinct one is computed
afresh); remembered_for_short_text scans a short text once, a long one every time."""

from __future__ import annotations

from cardlint.core.memo import SHORT_TEXT_CHARS, last_by_identity, remembered_for_short_text


def test_the_last_object_reuses_its_answer_and_another_is_computed_afresh() -> None:
    calls: list[list[int]] = []

    @last_by_identity
    def total(values: list[int]) -> int:
        calls.append(values)
        return sum(values)

    first, twin = [1, 2], [1, 2]
    assert (total(first), total(first)) == (3, 3)
    assert len(calls) == 1
    assert total(twin) == 3  # equal, not the same object: computed again
    assert total(first) == 3  # only the last object is remembered
    assert [call is first for call in calls] == [True, False, True]


def test_short_texts_are_scanned_once_and_long_ones_every_time() -> None:
    scanned: list[str] = []

    @remembered_for_short_text
    def words(text: str):  # type: ignore[no-untyped-def]
        scanned.append(text)
        yield from text.split()

    assert list(words("a b")) == ["a", "b"] == list(words("a b"))
    assert scanned == ["a b"]
    long_text = "x " * SHORT_TEXT_CHARS
    assert len(list(words(long_text))) == SHORT_TEXT_CHARS == len(list(words(long_text)))
    assert scanned.count(long_text) == 2  # not kept: memory stays bounded
