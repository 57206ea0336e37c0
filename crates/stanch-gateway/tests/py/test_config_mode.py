"""`stanch serve --config stanch.toml` (its `[gateway]` table): named routes, gateway API keys
(`stanch keys create`), roles, allowed models, upstream credentials from the
environment, hot reload (file change and SIGHUP) keeping the old config when
the new one is invalid."""

import os
import signal
import subprocess
import time

import anthropic
import openai
import pytest

from conftest import GH, free_port, stanch_bin, start_gateway, stop

UPSTREAM_KEY = "sk-upstream-from-env-7781"


def config_text(port, upstream, models):
    return f"""
# stanch.toml: the CLI's own settings, then the gateway's table
[redact]
secret_style = "placeholder"

[gateway]
listen = "127.0.0.1:{port}"
keys_file = "keys.toml"

[[gateway.routes]]
name = "oa"
prefix = "/openai"
provider = "openai"
upstream = "{upstream}"
models = [{models}]
roles = ["dev"]
credential_env = "GW_TEST_UPSTREAM_KEY"

[[gateway.routes]]
name = "an"
prefix = "/anthropic"
provider = "anthropic"
upstream = "{upstream}"
roles = ["admin"]
actions = {{ pii = "warn" }}
"""


def mint(tmp, name, role):
    out = subprocess.run([stanch_bin(), "keys", "create", "--name", name, "--role", role,
                          "--file", str(tmp / "keys.toml")], check=True, capture_output=True, text=True)
    return out.stdout.strip()


@pytest.fixture(scope="module")
def cfg_gateway(fake, tmp_path_factory):
    _, url = fake
    tmp = tmp_path_factory.mktemp("cfg")
    alice = mint(tmp, "alice", "dev")
    root = mint(tmp, "root", "admin")
    port = free_port()
    path = tmp / "stanch.toml"
    path.write_text(config_text(port, url, '"gpt-4o-mini"'))
    env = dict(os.environ, GW_TEST_UPSTREAM_KEY=UPSTREAM_KEY)
    proc, base, log = start_gateway(stanch_bin(), tmp, env, ["--config", str(path)], port=port)
    yield {"base": base, "alice": alice, "root": root, "path": path, "port": port, "url": url,
           "proc": proc, "log": log, "tmp": tmp}
    stop(proc)


def test_keys_file_holds_no_keys(cfg_gateway):
    text = (cfg_gateway["tmp"] / "keys.toml").read_text()
    assert cfg_gateway["alice"] not in text and "alice" in text
    assert oct(os.stat(cfg_gateway["tmp"] / "keys.toml").st_mode & 0o777) == "0o600"
    out = subprocess.run([stanch_bin(), "keys", "list", "--file", str(cfg_gateway["tmp"] / "keys.toml")],
                         check=True, capture_output=True, text=True).stdout
    assert "alice\tdev" in out and cfg_gateway["alice"] not in out


def test_route_credential_replaces_the_gateway_key(cfg_gateway, rec):
    c = openai.OpenAI(base_url=cfg_gateway["base"] + "/openai/v1", api_key=cfg_gateway["alice"], max_retries=0)
    r = c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": f"t {GH}"}])
    assert "[REDACTED:github-pat]" in r.choices[0].message.content
    reqs = rec.all()
    assert reqs[0]["path"] == "/v1/chat/completions"
    assert reqs[0]["headers"]["authorization"] == f"Bearer {UPSTREAM_KEY}"
    assert GH not in reqs[0]["body"]
    for r in reqs:
        assert cfg_gateway["alice"] not in str(r)


def test_unauthenticated_wrong_role_and_model_refused(cfg_gateway, rec):
    base = cfg_gateway["base"]
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=base + "/openai/v1", api_key="stk_not-a-key", max_retries=0).chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(anthropic.PermissionDeniedError) as e:
        anthropic.Anthropic(base_url=base + "/anthropic", api_key=cfg_gateway["alice"], max_retries=0).messages.create(
            model="c", max_tokens=1, messages=[{"role": "user", "content": "x"}])
    assert "no role allowed on route `an`" in str(e.value)
    with pytest.raises(openai.PermissionDeniedError):
        openai.OpenAI(base_url=base + "/openai/v1", api_key=cfg_gateway["alice"], max_retries=0).chat.completions.create(
            model="gpt-5", messages=[{"role": "user", "content": "x"}])
    assert rec.all() == []
    # The admin role may use the anthropic route; PII is only warned about there.
    m = anthropic.Anthropic(base_url=base + "/anthropic", api_key=cfg_gateway["root"], max_retries=0).messages.create(
        model="c", max_tokens=1, messages=[{"role": "user", "content": "mail bob@acme.io"}])
    assert m.content[0].text
    assert "bob@acme.io" in rec.all()[0]["body"]


def wait_for(cond, timeout=8):
    deadline = time.time() + timeout
    while not cond():
        if time.time() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_hot_reload_on_change_and_sighup_keeps_old_when_invalid(cfg_gateway, rec):
    g = cfg_gateway
    c = openai.OpenAI(base_url=g["base"] + "/openai/v1", api_key=g["alice"], max_retries=0)

    def allowed(model):
        try:
            c.chat.completions.create(model=model, messages=[{"role": "user", "content": "x"}])
            return True
        except openai.PermissionDeniedError:
            return False

    assert allowed("gpt-4o-mini") and not allowed("gpt-5")
    # Invalid file: the running config stays.
    g["path"].write_text("routes = 3\n")
    g["proc"].send_signal(signal.SIGHUP)
    time.sleep(1.5)
    assert allowed("gpt-4o-mini")
    assert "not reloaded" in g["log"].read_text()
    # A valid change is picked up by itself.
    g["path"].write_text(config_text(g["port"], g["url"], '"gpt-5"'))
    assert wait_for(lambda: allowed("gpt-5"))
    assert not allowed("gpt-4o-mini")
