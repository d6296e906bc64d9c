"""Token figures written as a training-data size under a training-data heading, with Chinese magnitudes and
describing characters, and corpus sizes that stand in for tokens seen. Sentences are our own."""

from __future__ import annotations

from extract_support import facts_of, own

from cardlint.extract.quantities import find_quantities


def test_chinese_magnitude_with_describing_characters() -> None:
    quantity = next(find_quantities("累计学习2.4万亿英文token"))
    assert quantity.dimension == "tokens"
    assert quantity.value == 2.4e12


def test_size_of_the_training_data_under_its_heading() -> None:
    text = "# Wren-1B\n\n## Training data\n\nThe corpus consists of 42.5B tokens of Rust code.\n"
    assert own(facts_of(text), "training_tokens") == [42.5e9]


def test_thousands_grouping_with_a_magnitude() -> None:
    text = "# Wren-1B\n\n## Training Data\n\nThe sources together contain 3,206M tokens.\n"
    assert own(facts_of(text), "training_tokens") == [3.206e9]


def test_the_parts_of_a_corpus_list_are_not_the_total() -> None:
    text = (
        "# Wren-1B\n\n## Training Data\n\n- a news corpus, 1,200M tokens;\n- a web corpus, 800M tokens\n\n"
        "Together they contain 2,000M tokens.\n"
    )
    assert own(facts_of(text), "training_tokens") == [2.0e9]


def test_a_data_size_outside_a_training_section_is_not_tokens_seen() -> None:
    text = "# Wren-1B\n\n## About the dataset\n\nThe dataset consists of 42.5B tokens of Rust code.\n"
    assert own(facts_of(text), "training_tokens") == []


def test_a_corpus_size_gives_way_to_the_tokens_seen() -> None:
    text = "# Wren-1B\n\nWren-1B在800亿token中文语料上预训练，累计学习1.2万亿中文token。\n"
    assert own(facts_of(text), "training_tokens") == [1.2e12]


def test_tokens_from_a_rate_and_the_run_length() -> None:
    text = "# Wren-1B\n\n## Training\n\nIt took about 10 hours at an average of 4,000 tokens per second.\n"
    facts = facts_of(text)
    assert own(facts, "training_tokens") == [4000 * 10 * 3600]
    assert [fact.derived for fact in facts if fact.kind == "training_tokens"] == [True]


def test_tokens_from_a_rate_in_a_fine_tune_are_the_fine_tune_s() -> None:
    text = (
        "---\nbase_model: example/Finch-7B\n---\n# Wren-1B\n\n## Training\n\n"
        "The run lasted 2 hours, processing 1.5k tokens/s.\n"
    )
    facts = facts_of(text)
    assert own(facts, "fine_tune_tokens") == [1500 * 2 * 3600]
    assert own(facts, "training_tokens") == []


def test_a_rate_without_the_run_length_gives_no_tokens() -> None:
    text = "# Wren-1B\n\n## Inference\n\nGeneration runs at 40 tokens per second on a laptop for 2 hours.\n"
    assert own(facts_of(text), "training_tokens") == []
