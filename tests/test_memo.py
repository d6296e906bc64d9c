"""core.memo.last_by_identity: the same object reuses the answer, an equal but distinct one does not."""

from __future__ import annotations

from cardlint.core.memo import last_by_identity


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
