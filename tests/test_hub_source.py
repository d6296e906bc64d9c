"""Loading Hub repos through the real huggingface_hub client, against the loopback stand-in."""

from __future__ import annotations

import json

import pytest
from hubserver import Fault, HubStandIn, card, safetensors_header

from cardlint.core.limits import Limits
from cardlint.sources import SourceError
from cardlint.sources.hub import load_hub_target
from cardlint.sources.hub_lineage import BaseCardCache, base_chain, fetch_base_card
from cardlint.sources.hub_target import parse_hub_target

CARD = card(
    "license: apache-2.0\npipeline_tag: text-generation\nbase_model: acme/base", "# Tiny\n\n7B params.\r\n"
)
CONFIG = json.dumps({"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32})
WEIGHTS = safetensors_header({"w": ("BF16", [7_000_000_000]), "b": ("F32", [1000])})


def _load(text: str, **kwargs: object):  # type: ignore[no-untyped-def]
    ref = parse_hub_target(text)
    assert ref is not None
    return load_hub_target(ref, **kwargs)  # type: ignore[arg-type]


def _tiny(hub: HubStandIn, **options: object) -> None:
    hub.add_repo(
        "acme/tiny", {"README.md": CARD, "config.json": CONFIG, "model.safetensors": WEIGHTS}, **options
    )


def test_card_config_and_repo_metadata_come_back_as_downloaded(hub: HubStandIn) -> None:
    _tiny(hub)
    loaded = _load("acme/tiny")
    assert loaded.raw == CARD.encode()  # byte for byte, CRLF included
    assert loaded.repo_id == "acme/tiny"
    assert loaded.revision == hub.repos["acme/tiny"].refs["main"]
    assert loaded.path == f"hf://acme/tiny@{loaded.revision}/README.md"
    assert loaded.folder_name == "tiny"
    assert loaded.sidecars.config == json.loads(CONFIG)
    assert loaded.sidecars.safetensors_parameters == 7_000_001_000
    info = loaded.sidecars.hub_info
    assert info["pipeline_tag"] == "text-generation"
    assert info["library_name"] == "transformers"
    assert info["gated"] is False
    assert info["base_models"] == ["acme/base"]
    assert info["last_modified"].startswith("2025-01-15")
    assert info["safetensors_by_dtype"] == {"BF16": 7_000_000_000, "F32": 1000}


def test_requests_are_few_and_a_warm_rerun_costs_one(hub: HubStandIn) -> None:
    _tiny(hub)
    _load("acme/tiny")
    info_requests = [r for r in hub.requests if r.path.startswith("/api/models/")]
    assert len(info_requests) == 1
    assert "safetensors" in info_requests[0].query["expand"]
    assert hub.count("GET", "/resolve/") == 2  # README + config.json, never the weights
    assert hub.count(None, "model.safetensors") == 0
    hub.clear_requests()
    _load("acme/tiny")
    assert [(r.method, r.path) for r in hub.requests] == [("GET", "/api/models/acme/tiny")]


def test_offline_rerun_needs_no_request_and_gives_the_same_target(hub: HubStandIn) -> None:
    _tiny(hub)
    online = _load("acme/tiny")
    hub.clear_requests()
    offline = _load("acme/tiny", offline=True)
    assert hub.requests == []
    assert (offline.raw, offline.revision, offline.sidecars) == (online.raw, online.revision, online.sidecars)


def test_offline_environment_variable_is_honoured(hub: HubStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    _tiny(hub)
    _load("acme/tiny")
    hub.clear_requests()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert _load("acme/tiny").raw == CARD.encode()
    assert hub.requests == []


def test_offline_with_an_empty_cache_is_a_clear_error(hub: HubStandIn) -> None:
    _tiny(hub)
    with pytest.raises(SourceError, match=r"^acme/tiny: offline .*not in the cache"):
        _load("acme/tiny", offline=True)
    assert hub.requests == []


def test_revision_is_resolved_and_recorded(hub: HubStandIn) -> None:
    _tiny(hub)
    repo = hub.repos["acme/tiny"]
    dev_sha = repo.commit({"README.md": card("license: mit"), "config.json": CONFIG}, branch="dev")
    loaded = _load("acme/tiny@dev")
    assert loaded.revision == dev_sha
    assert loaded.raw == card("license: mit").encode()
    assert _load(f"hf://acme/tiny@{dev_sha}").raw == loaded.raw
    hub.clear_requests()
    assert _load("acme/tiny@dev", offline=True).revision == dev_sha


def test_new_commit_on_main_is_picked_up(hub: HubStandIn) -> None:
    _tiny(hub)
    _load("acme/tiny")
    new_sha = hub.repos["acme/tiny"].commit({"README.md": card("license: mit")})
    loaded = _load("acme/tiny")
    assert loaded.revision == new_sha
    assert loaded.sidecars.config is None


def test_parameter_count_from_header_range_requests_when_info_has_none(hub: HubStandIn) -> None:
    _tiny(hub, info_safetensors=False)
    loaded = _load("acme/tiny")
    assert loaded.sidecars.safetensors_parameters == 7_000_001_000
    assert loaded.sidecars.hub_info["safetensors_source"] == "header"
    weight_requests = [r for r in hub.requests if r.path.endswith("model.safetensors")]
    assert weight_requests and all(r.headers.get("range", "").startswith("bytes=0-") for r in weight_requests)
    hub.clear_requests()
    assert _load("acme/tiny", offline=True).sidecars.safetensors_parameters == 7_000_001_000


def test_sharded_weights_are_counted_from_every_shard_header(hub: HubStandIn) -> None:
    index = {"weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}
    hub.add_repo(
        "acme/sharded",
        {
            "README.md": CARD,
            "model.safetensors.index.json": json.dumps(index),
            "model-00001-of-00002.safetensors": safetensors_header({"a": ("BF16", [3, 1000])}),
            "model-00002-of-00002.safetensors": safetensors_header({"b": ("BF16", [500])}),
        },
        info_safetensors=False,
    )
    loaded = _load("acme/sharded")
    assert loaded.sidecars.safetensors_parameters == 3500
    assert (
        loaded.sidecars.safetensors_path
        == f"hf://acme/sharded@{loaded.revision}/model.safetensors.index.json"
    )


def test_repo_not_found(hub: HubStandIn) -> None:
    with pytest.raises(SourceError, match=r"^acme/missing: repository not found on the Hub$"):
        _load("acme/missing")


def test_private_repo_without_token_says_so(hub: HubStandIn) -> None:
    _tiny(hub, private=True)
    with pytest.raises(SourceError, match=r"private.*HF_TOKEN"):
        _load("acme/tiny")


def test_private_repo_with_token_from_environment(hub: HubStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "hf_" + "T" * 30
    _tiny(hub, private=True, tokens={secret})
    monkeypatch.setenv("HF_TOKEN", secret)
    assert _load("acme/tiny").raw == CARD.encode()
    assert all(r.headers.get("authorization") == f"Bearer {secret}" for r in hub.requests)


def test_wrong_token_is_never_echoed(hub: HubStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "hf_" + "W" * 30
    _tiny(hub, private=True, tokens={"hf_" + "R" * 30})
    monkeypatch.setenv("HF_TOKEN", secret)
    with pytest.raises(SourceError) as caught:
        _load("acme/tiny")
    assert secret not in str(caught.value)


def test_revision_not_found(hub: HubStandIn) -> None:
    _tiny(hub)
    with pytest.raises(SourceError, match="revision 'nope' not found"):
        _load("acme/tiny@nope")


def test_repo_without_readme(hub: HubStandIn) -> None:
    hub.add_repo("acme/bare", {"config.json": CONFIG})
    with pytest.raises(SourceError, match=r"README\.md not found"):
        _load("acme/bare")


def test_gated_repo_card_is_public_but_config_is_a_problem_line(hub: HubStandIn) -> None:
    _tiny(hub, gated="auto")
    loaded = _load("acme/tiny")
    assert loaded.raw == CARD.encode()
    assert loaded.sidecars.hub_info["gated"] == "auto"
    assert loaded.sidecars.config is None
    assert len(loaded.sidecars.problems) == 1
    assert loaded.sidecars.problems[0].startswith("config.json: gated")


def test_gated_card_is_an_error_naming_hf_token(hub: HubStandIn) -> None:
    _tiny(hub)
    hub.add_fault(Fault(path="README.md", status=401, headers={"X-Error-Code": "GatedRepo"}, times=None))
    with pytest.raises(SourceError, match=r"gated.*accept its terms.*HF_TOKEN"):
        _load("acme/tiny")


def test_rate_limit_honours_retry_after_then_succeeds(hub: HubStandIn) -> None:
    _tiny(hub)
    hub.add_fault(Fault(path="^/api/models/", status=429, headers={"Retry-After": "0"}, times=2))
    assert _load("acme/tiny").raw == CARD.encode()
    assert hub.count("GET", "/api/models/") == 3


def test_rate_limit_with_a_long_retry_after_gives_up_at_once(hub: HubStandIn) -> None:
    _tiny(hub)
    hub.add_fault(Fault(path="^/api/models/", status=429, headers={"Retry-After": "3600"}, times=None))
    with pytest.raises(SourceError, match="rate limited"):
        _load("acme/tiny")
    assert hub.count("GET", "/api/models/") == 1


def test_server_error_then_success(hub: HubStandIn) -> None:
    _tiny(hub)
    hub.add_fault(Fault(path="^/api/models/", status=500, times=1))
    hub.add_fault(Fault(path="README.md", method="HEAD", status=503, times=1))
    assert _load("acme/tiny").raw == CARD.encode()


def test_server_errors_are_retried_a_bounded_number_of_times(hub: HubStandIn) -> None:
    _tiny(hub)
    hub.add_fault(Fault(path="^/api/models/", status=502, times=None))
    with pytest.raises(SourceError, match=r"server error \(HTTP 502\)"):
        _load("acme/tiny")
    assert hub.count("GET", "/api/models/") == 4  # one try and three retries (CARDLINT_HUB_RETRIES)


def test_slow_answer_past_the_timeout(hub: HubStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    _tiny(hub)
    monkeypatch.setenv("HF_HUB_ETAG_TIMEOUT", "0.3")
    hub.add_fault(Fault(path="^/api/models/", delay=1.0, times=1))
    with pytest.raises(SourceError, match=r"did not answer within 0\.3s"):
        _load("acme/tiny")


def test_malformed_json(hub: HubStandIn) -> None:
    _tiny(hub)
    hub.add_fault(Fault(path="^/api/models/", malformed=True))
    with pytest.raises(SourceError, match="malformed answer"):
        _load("acme/tiny")


def test_body_cut_mid_transfer_is_fetched_again_and_the_cache_holds_the_whole_file(hub: HubStandIn) -> None:
    _tiny(hub)
    hub.add_fault(Fault(path="README.md", method="GET", cut=True, times=1))
    assert _load("acme/tiny").raw == CARD.encode()
    assert hub.count("GET", "README.md") == 2
    hub.clear_requests()
    assert _load("acme/tiny", offline=True).raw == CARD.encode()


def test_short_body_fails_the_size_check(hub: HubStandIn) -> None:
    _tiny(hub)
    hub.add_fault(Fault(path="README.md", method="GET", short=True, times=None))
    with pytest.raises(SourceError, match="cut short"):
        _load("acme/tiny")


def test_endpoint_that_is_not_a_hub(hub: HubStandIn) -> None:
    _tiny(hub)
    hub.add_fault(Fault(path="README.md", method="HEAD", drop_commit_header=True, times=None))
    with pytest.raises(SourceError, match=r"not a Hugging Face Hub.*HF_ENDPOINT"):
        _load("acme/tiny")


def test_nothing_listening_is_a_reach_error(hub: HubStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("CARDLINT_HUB_RETRIES", "0")
    with pytest.raises(SourceError, match="cannot reach the Hub"):
        _load("acme/tiny")


def test_oversized_card_is_refused(hub: HubStandIn) -> None:
    _tiny(hub)
    with pytest.raises(SourceError, match="byte limit"):
        _load("acme/tiny", limits=Limits(max_card_bytes=20))


def test_every_error_is_one_line(hub: HubStandIn) -> None:
    _tiny(hub)
    hub.add_fault(Fault(path="^/api/models/", status=403, times=None))
    with pytest.raises(SourceError) as caught:
        _load("acme/tiny")
    assert "\n" not in str(caught.value) and str(caught.value).startswith("acme/tiny: ")


def test_base_cards_are_fetched_once_per_run_and_the_chain_is_bounded(hub: HubStandIn) -> None:
    hub.add_repo("acme/base", {"README.md": card("license: mit\nbase_model: acme/root")})
    hub.add_repo("acme/root", {"README.md": card("license: mit")})
    hub.add_repo("acme/ft-a", {"README.md": card("base_model: acme/base")})
    hub.add_repo("acme/ft-b", {"README.md": card("base_model:\n- acme/base")})
    cache = BaseCardCache()
    chains = []
    for repo_id in ("acme/ft-a", "acme/ft-b"):
        chain, notes = base_chain(_load(repo_id), cache=cache)
        chains.append([item.repo_id for item in chain])
        assert notes == []
    assert chains == [["acme/base", "acme/root"], ["acme/base", "acme/root"]]
    assert hub.count("GET", "/api/models/acme/base") == 1
    chain, notes = base_chain(_load("acme/ft-a"), cache=cache, limits=Limits(max_lineage_depth=1))
    assert [item.repo_id for item in chain] == ["acme/base"] and "deeper than 1" in notes[0]


def test_base_model_cycle_and_missing_base_become_notes(hub: HubStandIn) -> None:
    hub.add_repo("acme/x", {"README.md": card("base_model: acme/y")})
    hub.add_repo("acme/y", {"README.md": card("base_model: acme/x")})
    hub.add_repo("acme/z", {"README.md": card("base_model: acme/gone")})
    chain, notes = base_chain(_load("acme/x"), cache=BaseCardCache())
    assert [item.repo_id for item in chain] == ["acme/y"] and "cycle" in notes[0]
    chain, notes = base_chain(_load("acme/z"), cache=BaseCardCache())
    assert chain == [] and "not found" in notes[0]


def test_fetch_base_card_refuses_non_ids(hub: HubStandIn) -> None:
    with pytest.raises(SourceError):
        fetch_base_card("https://example.com/x", cache=BaseCardCache())


def test_network_guard_catches_a_non_loopback_connection(no_internet: list[str]) -> None:
    import socket

    with pytest.raises(OSError, match="test tried to"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
    assert no_internet == ["'192.0.2.1'"]
    no_internet.clear()  # this test wanted the attempt; the guard must not fail it


def test_network_guard_sees_attempts_even_when_the_hub_client_swallows_them(
    hub: HubStandIn, monkeypatch: pytest.MonkeyPatch, no_internet: list[str]
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "https://huggingface.co")
    monkeypatch.setenv("CARDLINT_HUB_RETRIES", "0")
    with pytest.raises(SourceError, match="cannot reach the Hub"):
        _load("acme/tiny")
    assert no_internet and "huggingface.co" in no_internet[0]
    no_internet.clear()


def test_without_config_a_cold_repo_costs_three_requests(hub: HubStandIn) -> None:
    _tiny(hub)
    ref = parse_hub_target("acme/tiny")
    assert ref is not None
    loaded = load_hub_target(ref, with_config=False)
    assert loaded.sidecars.config is None and loaded.sidecars.safetensors_parameters == 7_000_001_000
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in hub.requests] == [
        ("GET", "tiny"),
        ("HEAD", "README.md"),
        ("GET", "README.md"),
    ]


def test_rejected_credentials_are_an_authentication_error(
    hub: HubStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tiny(hub)
    secret = "hf_" + "B" * 30
    monkeypatch.setenv("HF_TOKEN", secret)
    hub.add_fault(
        Fault(
            path="^/api/models/",
            status=401,
            headers={"X-Error-Message": "Invalid credentials in Authorization header"},
            times=None,
        )
    )
    with pytest.raises(SourceError, match="authentication failed") as caught:
        _load("acme/tiny")
    assert secret not in str(caught.value)
