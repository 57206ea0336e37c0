"""The official SDKs against `stanch serve` in front of a fake provider:
planted secrets never reach the provider, the provider's planted secret
(split across stream deltas too) never reaches the client, pseudonyms come
back as the originals, blocked requests raise the SDK's own errors."""

import json
import signal
import time
import urllib.error
import urllib.request

import anthropic
import openai
import pytest

from conftest import CLIENT_KEY, GH, REGISTERED
from fake_provider import PLANT

EMAIL = "bob.lee@acme.io"
EXPECT = f"Use token [REDACTED:github-pat] to write to {EMAIL} today."


def oai(gateway):
    return openai.OpenAI(base_url=gateway[0] + "/v1", api_key=CLIENT_KEY, max_retries=0)


def ant(gateway):
    return anthropic.Anthropic(base_url=gateway[0], api_key=CLIENT_KEY, max_retries=0)


def assert_clean_upstream(rec, *values):
    reqs = rec.all()
    assert reqs, "the provider got no request"
    for r in reqs:
        for v in values:
            assert v not in r["body"], f"{v[:6]}… reached the provider"
    return reqs


def test_openai_chat_plain(gateway, rec):
    r = oai(gateway).chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": f"deploy key {GH}"},
            {"role": "user", "content": [{"type": "text", "text": f"mail {EMAIL} please"}]},
            {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function",
                "function": {"name": "send", "arguments": json.dumps({"token": GH})}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": f"sent with {GH}"},
        ],
    )
    reqs = assert_clean_upstream(rec, GH, EMAIL)
    sent = json.loads(reqs[0]["body"])
    assert sent["messages"][0]["content"] == "deploy key [REDACTED:github-pat]"
    assert json.loads(sent["messages"][2]["tool_calls"][0]["function"]["arguments"]) == {"token": "[REDACTED:github-pat]"}
    # The client's own credential is passed through.
    assert reqs[0]["headers"]["authorization"] == f"Bearer {CLIENT_KEY}"
    assert r.choices[0].message.content == EXPECT


def test_openai_chat_stream(gateway, rec):
    stream = oai(gateway).chat.completions.create(
        model="gpt-4o", stream=True,
        messages=[{"role": "user", "content": f"mail {EMAIL} with {GH}"}],
    )
    text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert_clean_upstream(rec, GH, EMAIL)
    assert PLANT not in text
    assert text == EXPECT


def test_openai_responses_and_embeddings(gateway, rec):
    c = oai(gateway)
    r = c.responses.create(model="gpt-4o", instructions=f"key {GH}", input=f"mail {EMAIL}")
    assert r.output_text == EXPECT
    e = c.embeddings.create(model="e", input=[f"embed {GH}"])
    assert e.data[0].embedding == [0.1, 0.2]
    assert_clean_upstream(rec, GH, EMAIL)
    assert [m.id for m in c.models.list()] == ["fake-model"]


def test_anthropic_plain(gateway, rec):
    m = ant(gateway).messages.create(
        model="claude", max_tokens=10, system=f"key {GH}",
        messages=[{"role": "user", "content": [
            {"type": "text", "text": f"mail {EMAIL}"},
            {"type": "tool_result", "tool_use_id": "tu_1", "content": f"out {GH}"},
        ]}],
    )
    reqs = assert_clean_upstream(rec, GH, EMAIL)
    # The SDK's credential header (x-api-key or a bearer token) went through.
    h = reqs[0]["headers"]
    assert CLIENT_KEY in (h.get("x-api-key"), h.get("authorization", "").removeprefix("Bearer "))
    assert m.content[0].text == EXPECT


def test_anthropic_stream(gateway, rec):
    with ant(gateway).messages.stream(
        model="claude", max_tokens=10,
        messages=[{"role": "user", "content": f"mail {EMAIL} token {GH}"}],
    ) as s:
        text = "".join(s.text_stream)
        final = s.get_final_message()
    assert_clean_upstream(rec, GH, EMAIL)
    assert text == EXPECT
    assert final.content[0].text == EXPECT


def test_canary_and_registered_secret_block_with_sdk_errors(gateway, rec):
    canary = gateway[2]
    with pytest.raises(openai.PermissionDeniedError) as e:
        oai(gateway).chat.completions.create(model="m", messages=[{"role": "user", "content": f"x {canary}"}])
    assert "canary-token" in str(e.value) and canary not in str(e.value)
    with pytest.raises(anthropic.PermissionDeniedError) as e:
        ant(gateway).messages.create(model="m", max_tokens=1, messages=[{"role": "user", "content": f"x {REGISTERED}"}])
    assert "registered-secret" in str(e.value) and REGISTERED not in str(e.value)
    assert rec.all() == []


def test_malformed_body_refused(gateway, rec):
    req = urllib.request.Request(gateway[0] + "/v1/messages", data=b'{"model":', method="POST",
                                 headers={"content-type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=5)
    assert e.value.code == 400
    body = json.loads(e.value.read())
    assert body["type"] == "error" and body["error"]["type"] == "invalid_request_error"
    assert rec.all() == []


def test_zz_logs_and_metrics_hold_no_secrets(gateway):
    """Near the end of the file: everything above has been logged by now."""
    base, log, canary, _ = gateway
    with urllib.request.urlopen(base + "/metrics", timeout=5) as r:
        metrics = r.read().decode()
    assert 'stanch_findings_total{action="redact",category="secret",direction="request",rule="github-pat"}' in metrics
    logs = log.read_text()
    assert '"decision":"redacted"' in logs and '"decision":"blocked"' in logs
    for text in (metrics, logs):
        for secret in (GH, PLANT, canary, REGISTERED, EMAIL, CLIENT_KEY):
            assert secret not in text


def readyz(base):
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def wait_for(cond):
    deadline = time.time() + 5
    while not cond():
        assert time.time() < deadline
        time.sleep(0.05)


def test_zz_kill_switch_by_signal(gateway, rec):
    base, _, _, proc = gateway
    proc.send_signal(signal.SIGUSR1)
    wait_for(lambda: readyz(base) == 503)
    with pytest.raises(openai.InternalServerError) as e:
        oai(gateway).chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert e.value.status_code == 503 and "kill switch" in str(e.value)
    assert rec.all() == []
    proc.send_signal(signal.SIGUSR2)
    wait_for(lambda: readyz(base) == 200)
    r = oai(gateway).chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert r.choices[0].message.content
