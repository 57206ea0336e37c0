"""Artifact templates: one function per kind of debugging artifact.

Each template takes a ``corpus.G`` and returns one document as a fragment (a flat list
of ``str`` and ``corpus.Item``) ending with a newline.  The surrounding text is meant
to look like the real thing (frame lines, log prefixes, CI step banners, HTTP framing);
every planted value is an ``Item`` so its label covers exactly the bytes in the file.
"""


import corpus as C
import shapes as S
from corpus import F, Item, jstr, pystr, jsstr, join, text

# ---------------------------------------------------------------------------
# extra vocabulary and small helpers
# ---------------------------------------------------------------------------

PY_SITE = "/usr/local/lib/python3.11/site-packages"
PY_APPS = ["/app", "/srv/app", "/home/app/src", "/opt/service", "/workspace"]
MODELS = ["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet-20241022", "claude-sonnet-4-20250514", "llama-3.1-70b-versatile",
          "mistral-large-latest", "o3-mini"]
REGIONS = ["us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2", "eu-central-1"]
ORGS = ["acme", "globex", "initech", "umbrella-health", "hooli", "piedpiper"]
REPOS = ["infra", "billing-api", "web", "mobile-app", "data-pipeline", "platform", "checkout", "terraform-modules"]
NPM_PKGS = ["express", "axios", "lodash", "react", "next", "typescript", "@types/node", "eslint", "prisma",
            "@aws-sdk/client-s3", "pino", "zod", "vite", "jest", "@nestjs/core", "undici", "dotenv", "pg"]
PY_PKGS = ["requests", "urllib3", "boto3", "botocore", "django", "fastapi", "pydantic", "sqlalchemy", "psycopg2-binary",
           "celery", "httpx", "openai", "anthropic", "numpy", "pandas", "gunicorn", "uvicorn"]
SECRET_NAMES = ["db-creds", "app-secrets", "stripe-keys", "registry-pull", "tls-cert", "oauth-client", "api-keys",
                "postgres-credentials", "redis-auth", "ci-deploy-key"]
MASKED = ["***", "****", "********", "[REDACTED]", "[FILTERED]", "<redacted>", "********************", "<masked>",
          "**********", "(hidden)", "[secure]", "REDACTED"]


def benign(g, type_, value):
    return g.ben(type_, value)


def iso(g, clk, digits=3, z="Z", p=0.25):
    """An ISO timestamp; labelled benign part of the time."""
    v = clk.iso(digits, z)
    return g.ben("iso-timestamp", v) if g.chance(p) else v


def host(g):
    return g.pick(C.API_HOSTS)


def hostname(g):
    return g.pick(["ip-10-0-%d-%d.ec2.internal" % (g.n(0, 9), g.n(2, 250)),
                   "%s-%s" % (g.pick(C.SERVICES), S.rs(g.r, "bcdfghjklmnpqrstvwxz2456789", 5)),
                   "web-%02d" % g.n(1, 12), "worker-%d" % g.n(1, 8), "build-%s" % S.rs(g.r, S.HEX, 6)])


def pod(g, app=None):
    return g.pod(app or g.pick(C.SERVICES))


def masked_key(g):
    """A provider-style key that a client library already masked: benign."""
    r = g.r
    k = r.randrange(4)
    if k == 0:
        v = "sk-proj-" + "*" * 20 + S.rs(r, S.ALNUM, 4)
    elif k == 1:
        v = "sk_live_" + "*" * 20 + S.rs(r, S.ALNUM, 4)
    elif k == 2:
        v = "ghp_" + "*" * 8
    else:
        v = "AKIA" + "*" * 12 + S.rs(r, S.B32, 4)
    return g.ben("masked-key", v)


def token_count(g, v=None):
    return g.ben("token-count", str(v if v is not None else g.pick([256, 512, 1024, 2048, 4096, 8192, 128000])))


def secret_name(g):
    return g.ben("secret-name", g.pick(SECRET_NAMES))


def git_remote(g):
    return g.ben("git-remote", "git@%s:%s/%s.git" % (g.pick(["github.com", "gitlab.com", "bitbucket.org"]),
                                                      g.pick(ORGS), g.pick(REPOS)))


def npm_pkg(g):
    return g.ben("npm-package", "%s@%s" % (g.pick(NPM_PKGS), "%d.%d.%d" % (g.n(0, 20), g.n(0, 30), g.n(0, 40))))


def stripe_obj_id(g):
    return g.ben("stripe-object-id", g.pick(["cus_", "ch_", "pi_", "in_", "sub_", "req_", "evt_", "pm_"])
                 + S.rs(g.r, S.ALNUM, g.pick([14, 24])))


def llm_call_id(g):
    return g.ben("llm-call-id", g.pick(["call_", "toolu_01", "msg_01", "chatcmpl-", "run_", "resp_"])
                 + S.rs(g.r, S.ALNUM, g.pick([22, 24, 29])))


def container_id(g, full=True):
    return g.ben("container-id", S.rs(g.r, S.HEX, 64 if full else 12))


def sri(g):
    return g.ben("sri-hash", "sha512-" + S.b64(S.rbytes(g.r, 64)))


def ssh_pub(g):
    return g.ben("ssh-public-key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + S.rs(g.r, S.B64, 43))


def ssh_fp(g):
    return g.ben("ssh-key-fingerprint", "SHA256:" + S.b64(S.rbytes(g.r, 32)).rstrip("="))


def certificate(g):
    body = S.rbytes(g.r, g.pick([700, 900, 1100]))
    return g.ben("x509-certificate", S.pem("CERTIFICATE", b"\x30\x82" + body))


def aws_arn(g):
    return g.ben("aws-arn", "arn:aws:%s" % g.pick([
        "iam::%d:role/%s" % (g.n(10**11, 10**12 - 1), g.pick(["deploy", "ci-runner", "lambda-exec", "OrganizationAccountAccessRole"])),
        "s3:::%s-%s" % (g.pick(ORGS), g.pick(["exports", "logs", "artifacts"])),
        "lambda:%s:%d:function:%s" % (g.pick(REGIONS), g.n(10**11, 10**12 - 1), g.pick(C.SERVICES)),
        "secretsmanager:%s:%d:secret:%s-%s" % (g.pick(REGIONS), g.n(10**11, 10**12 - 1), g.pick(SECRET_NAMES), S.rs(g.r, S.ALNUM, 6))]))


def empty_value(g, v):
    return g.ben("empty-value", v)


def placeholder(g):
    return g.placeholder()


def mask(g):
    return g.ben("placeholder", g.pick(MASKED))


def git_author(g):
    """'Name <email>' with the email labelled PII."""
    f, l = g.pick(S.FIRST), g.pick(S.LAST)
    return F("%s %s <" % (f.capitalize(), l.capitalize()), g.email(), ">")


def user_record(g, style="json", n=None):
    """(key, value-fragment) pairs of a user-ish object with PII and benign ids."""
    r = g.r
    pairs = [("id", F(g.uuid() if g.chance(0.5) else g.nine())), ("email", F(g.email()))]
    extra = [("phone", lambda: F(g.phone())), ("created_at", lambda: F(iso(g, g.clock(), p=0.6))),
             ("plan", lambda: F(g.pick(["free", "pro", "team", "enterprise"]))),
             ("card", lambda: F(g.card())), ("iban", lambda: F(g.iban())), ("ssn", lambda: F(g.ssn(bare=g.chance(0.4)))),
             ("country", lambda: F(g.pick(["US", "GB", "DE", "FR", "NL", "BR", "IN"]))),
             ("last_login_ip", lambda: F(g.private_ip())), ("stripe_customer", lambda: F(stripe_obj_id(g))),
             ("name", lambda: F("%s %s" % (g.pick(S.FIRST).capitalize(), g.pick(S.LAST).capitalize())))]
    for k, fn in r.sample(extra, n if n is not None else r.randint(2, 4)):
        pairs.append((k, fn()))
    return pairs


def render_obj(pairs, style, indent=""):
    """Render (key, fragment) pairs as an object literal; values are strings."""
    if style == "json":
        return F("{", join(", ", [F(jstr(k), ": ", jstr(v)) for k, v in pairs]), "}")
    if style == "json-compact":
        return F("{", join(",", [F(jstr(k), ":", jstr(v)) for k, v in pairs]), "}")
    if style == "py":
        return F("{", join(", ", [F(pystr(k), ": ", pystr(v)) for k, v in pairs]), "}")
    if style == "js":
        return F("{ ", join(", ", [F(C.js_key(k), ": ", jsstr(v)) for k, v in pairs]), " }")
    if style == "js-multi":
        return F("{\n", join(",\n", [F(indent, "  ", C.js_key(k), ": ", jsstr(v)) for k, v in pairs]), "\n", indent, "}")
    if style == "ruby":
        return F("{", join(", ", [F(jstr(k), "=>", jstr(v)) for k, v in pairs]), "}")
    if style == "logfmt":
        return join(" ", [F(k, "=", C.logfmt_val(v)) for k, v in pairs])
    raise ValueError(style)


def secret_assignment_any(g, style, indent=""):
    """One assignment line/pair of a secret-bearing variable in the given syntax."""
    name, frag = g.named_secret("env" if style in ("env", "export", "k8s-env", "docker-env", "properties") else
                                g.pick(["snake", "env"]) if style in ("yaml", "toml", "ini", "json", "py", "pylocal")
                                else g.pick(["camel", "snake"]))
    return g.assign(name, frag, style, indent)


def benign_assignment_any(g, style, indent=""):
    """An assignment a scanner should leave alone (placeholders, counts, names, ids)."""
    k = g.deck("benign-assign", ["placeholder", "placeholder", "placeholder", "empty", "empty", "tokens", "tokens", "secret-name",
                                 "git-remote", "uuid", "sha", "version", "masked", "ip", "digest", "bool-ish", "example",
                                 "publishable", "keyish", "keyish"])
    if k == "example":
        v = S.example_key(g.r)
        name = {"A": "AWS_ACCESS_KEY_ID", "w": "AWS_SECRET_ACCESS_KEY", "g": "GITHUB_TOKEN", "x": "SLACK_BOT_TOKEN",
                "n": "NPM_TOKEN", "h": "HF_TOKEN", "<": "API_TOKEN"}.get(v[0], "OPENAI_API_KEY" if v.startswith("sk-") else "STRIPE_SECRET_KEY")
        if v.startswith("AIza"):
            name = "GOOGLE_API_KEY"
        if style not in ("env", "export", "k8s-env", "docker-env", "properties"):
            name = C.style_name(name, "snake")
        return g.assign(name, F(g.ben("example-key", v)), style, indent)
    if k == "publishable":
        name = g.pick(["STRIPE_PUBLISHABLE_KEY", "NEXT_PUBLIC_STRIPE_KEY", "stripe_publishable_key", "publishableKey"])
        return g.assign(name, F(g.ben("stripe-publishable-key", S.stripe_publishable(g.r))), style, indent)
    if k == "keyish":
        name, val = g.pick([
            ("cache_key", lambda: "user:%d:profile" % g.n(1, 10**6)), ("s3_key", lambda: "exports/%d/report.csv" % g.n(2019, 2025)),
            ("secret_arn", lambda: "arn:aws:secretsmanager:%s:%d:secret:%s-%s" % (g.pick(REGIONS), g.n(10**11, 10**12 - 1), g.pick(SECRET_NAMES), S.rs(g.r, S.ALNUM, 6))),
            ("token_endpoint", lambda: "https://oauth2.googleapis.com/token"), ("credentials", lambda: "include"),
            ("kms_key_id", lambda: "alias/aws/s3"), ("password_policy", lambda: "min_length=12,require_symbol=true"),
            ("auth_method", lambda: "client_secret_post"), ("api_key_header", lambda: "X-Api-Key"),
            ("token_type", lambda: "Bearer"), ("secret_version", lambda: "AWSCURRENT"), ("session_store", lambda: "redis"),
            ("PASSWORD_RESET_URL", lambda: "https://app.acme.io/reset-password"), ("access_key_rotation_days", lambda: "90")])
        return g.assign(name, F(g.ben("key-named-value", val())), style, indent)
    if k == "placeholder":
        name = g.pick(["DB_PASSWORD", "password", "API_KEY", "client_secret", "SECRET_KEY", "GITHUB_TOKEN",
                       "AWS_SECRET_ACCESS_KEY", "auth_token", "REDIS_PASSWORD", "private_key", "STRIPE_SECRET_KEY"])
        if style not in ("env", "export", "k8s-env", "docker-env", "properties"):
            name = C.style_name(name, "snake") if name.isupper() else name
        return g.assign(name, F(g.placeholder()), style, indent)
    if k == "masked":
        name = g.pick(["password", "api_key", "token", "secret", "DB_PASSWORD", "access_key"])
        return g.assign(name, F(mask(g)), style, indent)
    if k == "empty":
        name = g.pick(["password", "DB_PASSWORD", "api_key", "SMTP_PASSWORD", "token", "passphrase"])
        if style in ("json", "py", "js", "ruby"):
            lit = {"json": ["null", '""'], "py": ["None", "''"], "js": ["null", "undefined", "''"], "ruby": ["nil"]}[style]
            key = {"json": jstr, "py": pystr, "js": lambda s: F(C.js_key(s)), "ruby": jstr}[style](name)
            sep = {"json": ": ", "py": ": ", "js": ": ", "ruby": "=>"}[style]
            return F(key, sep, empty_value(g, g.pick(lit)))
        if style in ("yaml", "k8s-env"):
            return F(indent, name, ": ", empty_value(g, g.pick(['""', "''", "null", "~"])), "\n")
        if style == "toml":
            return F(indent, name, " = ", empty_value(g, '""'), "\n")
        if style == "pylocal":
            return F(indent, name, " = ", empty_value(g, g.pick(["None", "''"])), "\n")
        if style == "logfmt":
            return F(name, "=", empty_value(g, '""'))
        if style == "go":
            return F(name, ":", empty_value(g, '""'))
        return F(indent, "export " if style == "export" else "", name, "=", empty_value(g, '""'), "\n")
    if k == "tokens":
        name = g.pick(["max_tokens", "MAX_TOKENS", "token_count", "tokens_used", "max_output_tokens", "TOKEN_LIMIT",
                       "token_budget", "prompt_tokens", "completion_tokens", "token_ttl_seconds"])
        return _assign_raw(g, name, token_count(g), style, indent)
    if k == "secret-name":
        name = g.pick(["secret_name", "secretName", "SECRET_NAME", "secret_ref", "existingSecret", "password_secret_name"])
        return g.assign(name, F(secret_name(g)), style, indent)
    if k == "git-remote":
        return g.assign(g.pick(["repo", "REPO_URL", "git_url", "remote"]), F(git_remote(g)), style, indent)
    if k == "uuid":
        return g.assign(g.pick(["request_id", "tenant_id", "client_id", "workspace_id", "CORRELATION_ID", "installation_id"]),
                        F(g.uuid()), style, indent)
    if k == "sha":
        return g.assign(g.pick(["commit", "GIT_SHA", "revision", "build_sha", "COMMIT_SHA"]),
                        F(g.sha() if g.chance(0.6) else g.short_sha()), style, indent)
    if k == "version":
        return g.assign(g.pick(["version", "APP_VERSION", "client_version", "sdk_version"]), F(g.version()), style, indent)
    if k == "ip":
        return g.assign(g.pick(["bind_address", "DB_HOST", "redis_host", "upstream", "NODE_IP"]), F(g.private_ip()), style, indent)
    if k == "digest":
        return g.assign(g.pick(["image_digest", "IMAGE_DIGEST", "checksum", "sha256", "artifact_sha256"]),
                        F(g.digest() if g.chance(0.5) else g.sha256()), style, indent)
    name = g.pick(["password_min_length", "token_expiry", "secret_rotation_days", "session_timeout", "api_key_header"])
    val = {"password_min_length": "12", "token_expiry": "3600", "secret_rotation_days": "90",
           "session_timeout": "1800", "api_key_header": "X-Api-Key"}[name]
    return g.assign(name, F(val), style, indent)


def _assign_raw(g, name, item, style, indent=""):
    """Numeric assignment (unquoted where the syntax allows)."""
    if style in ("json", "ruby"):
        return F(jstr(name), ": " if style == "json" else "=>", item)
    if style == "py":
        return F(pystr(name), ": ", item)
    if style == "js":
        return F(C.js_key(name), ": ", item)
    if style == "yaml":
        return F(indent, name, ": ", item, "\n")
    if style in ("toml", "ini", "pylocal"):
        return F(indent, name, " = ", item, "\n")
    if style == "logfmt":
        return F(name, "=", item)
    if style == "go":
        return F(name, ":", item)
    if style == "k8s-env":
        return F(indent, "- name: ", name, "\n", indent, '  value: "', item, '"\n')
    if style == "docker-env":
        return F('"', name, "=", item, '"')
    return F(indent, "export " if style == "export" else "", name, "=", item, "\n")


def mixed_assignments(g, style, n_secret, n_benign, indent="", sep=None):
    parts = [secret_assignment_any(g, style, indent) for _ in range(n_secret)]
    parts += [benign_assignment_any(g, style, indent) for _ in range(n_benign)]
    g.r.shuffle(parts)
    if sep is not None:
        return join(sep, parts)
    return F(parts)


# ---------------------------------------------------------------------------
# 1. Python tracebacks with locals
# ---------------------------------------------------------------------------

def _py_locals(g, variant):
    """(local name, repr fragment) pairs, and the exception line."""
    r = g.r
    L = []
    addr = g.addr()
    if variant == "requests":
        hs = g.header_set(n_secret=1)
        url_frag = g.query_url() if g.chance(0.4) else F("https://", host(g), g.pick(C.PATHS))
        L += [("self", F("<app.clients.", g.pick(["GitHubClient", "PartnerApi", "StripeGateway", "HttpClient"]), " object at ", addr, ">")),
              ("method", F("'", g.pick(["GET", "POST", "PUT"]), "'")),
              ("url", pystr(url_frag)),
              ("headers", g.render_headers(hs, "py-dict")),
              ("timeout", F(str(g.pick([10, 30, 60])))),
              ("resp", F("<Response [", g.pick(["401", "403", "500", "502"]), "]>")),
              ("attempt", F(str(g.n(1, 5))))]
        if g.chance(0.4):
            L.append(("request_id", pystr(g.uuid())))
        code = g.pick(["401", "403", "500", "502"])
        exc = F("requests.exceptions.HTTPError: ", code, " Client Error: Unauthorized for url: ", url_frag)
    elif variant == "db":
        name, dsn = g.conn_url(g.pick(["postgresql", "postgres", "mysql+pymysql", "postgresql+psycopg2"]))
        pw = g.password("!#$%^&*-_=+.?~", "password")
        dbh = g.pick(C.DB_HOSTS)
        L += [("dsn", pystr(dsn)),
              ("conn_kwargs", C.F("{'host': ", pystr(dbh), ", 'port': 5432, 'user': ", pystr(g.pick(C.DB_USERS)),
                                  ", 'password': ", pystr(pw), ", 'dbname': ", pystr(g.pick(C.DB_NAMES)), ", 'connect_timeout': 10}")),
              ("query", pystr("SELECT id, email, plan FROM users WHERE email = %s AND tenant_id = %s")),
              ("params", F("(", pystr(g.email()), ", ", pystr(g.uuid()), ")")),
              ("retries", F(str(g.n(0, 3))))]
        exc = F('psycopg2.OperationalError: connection to server at "', dbh, '" (', g.private_ip(),
                '), port 5432 failed: FATAL:  password authentication failed for user "', g.pick(C.DB_USERS), '"')
    elif variant == "boto":
        L += [("self", F("<botocore.client.S3 object at ", addr, ">")),
              ("operation_name", F("'", g.pick(["PutObject", "GetObject", "AssumeRole", "SendMessage"]), "'")),
              ("api_params", F("{'Bucket': '", g.pick(ORGS), "-exports', 'Key': 'reports/", g.uuid(), ".csv'}")),
              ("session_kwargs", F("{'aws_access_key_id': ", pystr(g.sec("aws-access-key-id", S.aws_access_key_id(r))),
                                   ", 'aws_secret_access_key': ", pystr(g.sec("aws-secret-access-key", S.aws_secret_access_key(r))),
                                   ", 'region_name': '", g.pick(REGIONS), "'}"))]
        if g.chance(0.5):
            L.append(("aws_session_token", pystr(g.sec("aws-session-token", S.aws_session_token(r)))))
        L.append(("request_id", pystr(g.uuid())))
        exc = F("botocore.exceptions.ClientError: An error occurred (", g.pick(["InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "AccessDenied"]),
                ") when calling the ", g.pick(["PutObject", "GetObject", "AssumeRole"]), " operation: The AWS Access Key Id you provided does not exist in our records.")
    elif variant == "openai":
        sp = C.BY_TYPE[g.pick(["openai-api-key", "anthropic-api-key", "groq-api-key", "openrouter-api-key", "xai-api-key"])]
        L += [("self", F("<", g.pick(["openai.OpenAI", "anthropic.Anthropic", "app.llm.Client"]), " object at ", addr, ">")),
              ("api_key", pystr(g.sec(sp.type, sp.fn(r)))),
              ("model", F("'", g.pick(MODELS), "'")),
              ("max_tokens", token_count(g)),
              ("messages", F("[{'role': 'system', 'content': 'You are a support agent.'}, {'role': 'user', 'content': ",
                             pystr(F("Hi, my email is ", g.email(), " and my order ", g.order_id(), " never arrived")), "}]")),
              ("temperature", F("0.2"))]
        exc = F(g.pick(["openai.AuthenticationError", "openai.RateLimitError", "anthropic.AuthenticationError"]),
                ": Error code: 401 - {'error': {'message': 'Incorrect API key provided: ", masked_key(g),
                ". You can find your API key at https://platform.openai.com/account/api-keys.', 'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}")
    elif variant == "keyerror":
        pairs = user_record(g, n=g.n(2, 4))
        L += [("payload", render_obj(pairs, "py")),
              ("event_id", pystr(g.uuid())),
              ("received_at", F(g.epoch_ms())),
              ("signature", pystr(g.sha256()))]
        if g.chance(0.5):
            name, item = g.generic()
            L.append((name.lower(), pystr(item)))
        exc = F("KeyError: '", g.pick(["billing_address", "plan_id", "tenant", "shipping"]), "'")
    elif variant == "celery":
        L += [("self", F("<@task: billing.tasks.payout of billing at ", addr, ">")),
              ("args", F("(", pystr(g.order_id()), ", {'iban': ", pystr(g.iban()), ", 'amount': ", str(g.n(100, 999999)),
                         ", 'currency': 'EUR', 'beneficiary_email': ", pystr(g.email()), "})")),
              ("kwargs", F("{'idempotency_key': ", pystr(g.uuid()), ", 'attempt': ", str(g.n(1, 4)), "}")),
              ("task_id", pystr(g.uuid()))]
        if g.chance(0.6):
            name, item = g.generic("token")
            L.append(("api_token", pystr(item)))
        exc = F("billing.errors.PayoutRejected: beneficiary account rejected by bank (code=AC04)")
    else:  # card / checkout
        L += [("self", F("<checkout.service.PaymentService object at ", addr, ">")),
              ("card_number", pystr(g.card())),
              ("exp", F("'", "%02d/%02d" % (g.n(1, 12), g.n(25, 31)), "'")),
              ("amount", F(str(g.n(100, 99999)))),
              ("customer", render_obj([("email", F(g.email())), ("phone", F(g.phone())), ("id", F(stripe_obj_id(g)))], "py")),
              ("gateway_ref", pystr(g.bad_luhn()))]
        sp = C.BY_TYPE["stripe-secret-key" if g.chance(0.5) else "square-access-token"]
        if g.chance(0.6):
            L.append(("api_key", pystr(g.sec(sp.type, sp.fn(r)))))
        exc = F("checkout.errors.CardDeclined: card_declined (decline_code=insufficient_funds)")
    return L, exc


def _frames(g, variant):
    app = g.pick(PY_APPS)
    lib = {
        "requests": [(PY_SITE + "/requests/models.py", 1021, "raise_for_status", "raise HTTPError(http_error_msg, response=self)")],
        "db": [(PY_SITE + "/psycopg2/__init__.py", 122, "connect", "conn = _connect(dsn, connection_factory=connection_factory, **kwasync)")],
        "boto": [(PY_SITE + "/botocore/client.py", 1009, "_make_api_call", "raise error_class(parsed_response, operation_name)")],
        "openai": [(PY_SITE + "/openai/_base_client.py", 1037, "_request", "raise self._make_status_error_from_response(err.response) from None")],
        "keyerror": [],
        "celery": [(PY_SITE + "/celery/app/trace.py", 453, "trace_task", "R = retval = fun(*args, **kwargs)")],
        "card": [],
    }[variant]
    code = {"requests": "resp.raise_for_status()", "db": "conn = psycopg2.connect(dsn, **conn_kwargs)",
            "boto": "return client.put_object(**api_params)", "openai": "return self._client.chat.completions.create(**params)",
            "keyerror": 'address = payload["billing_address"]', "celery": "return gateway.payout(*args, **kwargs)",
            "card": "result = gateway.charge(card_number, amount)"}[variant]
    fn = {"requests": "fetch", "db": "connect", "boto": "upload_report", "openai": "complete", "keyerror": "handle_event",
          "celery": "payout", "card": "charge"}[variant]
    own = [("%s/%s" % (app, g.pick(["app/clients/http.py", "app/services/sync.py", "billing/tasks.py", "api/views.py",
                                    "checkout/service.py", "worker/jobs.py"])), g.n(20, 400), fn, code)]
    return own + lib


def python_traceback(g):
    r = g.r
    clk = g.clock()
    variant = g.deck("pytb", ["requests", "requests", "db", "boto", "openai", "keyerror", "celery", "card"])
    L, exc = _py_locals(g, variant)
    frames = _frames(g, variant)
    style = g.deck("pytb-style", ["capture", "rich", "pytest", "django", "capture", "plain"])
    g.variant = "%s/%s" % (style, variant)
    out = []
    logger = g.pick(C.LOGGERS)
    out.append(F(clk.py(), " ERROR [", logger, "] ", g.pick(["Unhandled exception in job", "Request failed", "Task raised unexpected exception",
                                                                "Error processing event", "Exception in worker"]),
                 " (request_id=", g.uuid(), ")\n"))
    if style in ("capture", "plain"):
        out.append("Traceback (most recent call last):\n")
        for i, (path, line, fn, code) in enumerate(frames):
            out.append(F('  File "', path, '", line ', str(line), ", in ", fn, "\n    ", code, "\n"))
            if style == "capture" and i == 0:
                for name, val in L:
                    out.append(F("    ", name, " = ", val, "\n"))
        out.append(F(exc, "\n"))
        if style == "plain":
            # sentry-sdk / loguru style "locals" section after the exception
            out.append("Local variables (innermost frame):\n")
            w = max(len(n) for n, _ in L)
            for name, val in L:
                out.append(F("  ", name.ljust(w), " = ", val, "\n"))
    elif style == "rich":
        W = 100
        out.append("╭" + "─" * 30 + " Traceback (most recent call last) " + "─" * 33 + "╮\n")
        for i, (path, line, fn, code) in enumerate(frames):
            out.append(F("│ ", ("%s:%d in %s" % (path, line, fn)).ljust(W - 4), " │\n"))
            out.append("│" + " " * (W - 2) + "│\n")
            out.append(F("│ ❱ ", ("%d │   %s" % (line, code)).ljust(W - 6), " │\n"))
            out.append("│" + " " * (W - 2) + "│\n")
            if i == 0:
                out.append("│ ╭" + "─" * 42 + " locals " + "─" * 42 + "╮ │\n")
                w = max(len(n) for n, _ in L)
                for name, val in L:
                    body = F(name.rjust(w), " = ", val)
                    pad = max(0, W - 8 - len(text(body)))
                    out.append(F("│ │ ", body, " " * pad, " │ │\n"))
                out.append("│ ╰" + "─" * 92 + "╯ │\n")
        out.append("╰" + "─" * (W - 2) + "╯\n")
        out.append(F(exc, "\n"))
    elif style == "pytest":
        test = g.pick(["test_sync_orders", "test_payout_retry", "test_checkout_flow", "test_login", "test_export"])
        out = [F("_" * 20, " ", test, " ", "_" * 20, "\n\n")]
        path, line, fn, code = frames[0]
        out.append(F("    def ", fn, "(self, *args):\n>       ", code, "\nE       ", exc, "\n\n"))
        w = max(len(n) for n, _ in L)
        for name, val in sorted(L, key=lambda x: x[0]):
            out.append(F(name.ljust(w), " = ", val, "\n"))
        out.append(F("\n", path.split("/", 2)[-1], ":", str(line), ": ", text(exc).split(":")[0].split(".")[-1], "\n"))
        out.append(F("=" * 10, " short test summary info ", "=" * 10, "\nFAILED tests/test_", g.pick(["sync", "billing", "api"]), ".py::", test,
                     " - ", text(exc).split(":")[0], "\n"))
    else:  # django technical 500, text version
        out.append(F("Environment:\n\n\nRequest Method: POST\nRequest URL: https://", g.pick(["app.acme.io", "api.globex.com", "admin.initech.net"]),
                     g.pick(C.PATHS), "\n\nDjango Version: ", g.pick(["4.2.11", "5.0.4", "3.2.25"]), "\nPython Version: 3.11.8\n\n"))
        out.append("Traceback (most recent call last):\n")
        out.append(F('  File "', PY_SITE, '/django/core/handlers/exception.py", line 55, in inner\n    response = get_response(request)\n'))
        for path, line, fn, code in frames:
            out.append(F('  File "', path, '", line ', str(line), ", in ", fn, "\n    ", code, "\n"))
        out.append(F("\nException Type: ", text(exc).split(":")[0], " at ", g.pick(C.PATHS).split("?")[0], "\n"))
        out.append("\n\nRequest information:\nUSER: ")
        out.append(F(g.email(), "\n\nGET: No GET data\n\nPOST:\n"))
        out.append(F("email = ", pystr(g.email()), "\npassword = '", g.ben("placeholder", "********************"), "'\n\n"))
        out.append("COOKIES:\n")
        out.append(F("csrftoken = ", pystr(S.rs(r, S.ALNUM, 32)), "\nsessionid = '", g.ben("placeholder", "********************"), "'\n\nMETA:\n"))
        hname, hval = g.auth_header()
        meta = [("CONTENT_TYPE", F(pystr("application/json"))),
                ("HTTP_" + hname.upper().replace("-", "_"), pystr(hval)),
                ("HTTP_USER_AGENT", pystr(g.pick(C.UA))),
                ("HTTP_X_REQUEST_ID", pystr(g.uuid())),
                ("HTTP_COOKIE", F("'", g.ben("placeholder", "********************"), "'")),
                ("REMOTE_ADDR", pystr(g.private_ip())),
                ("SERVER_NAME", pystr(hostname(g)))]
        for k, v in sorted(meta, key=lambda x: x[0]):
            out.append(F(k, " = ", v, "\n"))
        out.append("\nSettings:\nUsing settings module config.settings.production\n")
        out.append(F("ALLOWED_HOSTS = ['*']\nDATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'HOST': ",
                     pystr(g.pick(C.DB_HOSTS)), ", 'NAME': 'app', 'PASSWORD': '", g.ben("placeholder", "********************"),
                     "', 'PORT': 5432, 'USER': 'django'}}\nDEBUG = False\n"))
        if g.chance(0.5):
            # settings that do not match Django's cleanse regex leak
            name, frag = g.url_secret()
            out.append(F(name, " = ", pystr(frag), "\n"))
        out.append(F("SECRET_KEY = '", g.ben("placeholder", "********************"), "'\n"))
    out.append("\n")
    return F(out)


# ---------------------------------------------------------------------------
# 2. Java stack traces (Spring / Hikari / OkHttp / Feign / Kafka)
# ---------------------------------------------------------------------------

JAVA_PKGS = ["com.acme.billing", "com.globex.orders", "io.initech.payments", "com.hooli.sync", "org.piedpiper.ingest"]
JAVA_CLASSES = ["StripeClient", "PaymentService", "OrderController", "PartnerApiClient", "LedgerRepository", "SyncJob",
                "WebhookHandler", "TokenRefresher", "ExportScheduler"]


def _java_frames(g, n):
    pkg = g.pick(JAVA_PKGS)
    out = []
    for _ in range(n):
        cls = g.pick(JAVA_CLASSES)
        meth = g.pick(["charge", "call", "execute", "refresh", "handle", "doFilter", "process", "lambda$run$0", "sync"])
        out.append("\tat %s.%s.%s(%s.java:%d)\n" % (pkg + g.pick(["", ".client", ".service", ".web"]), cls, meth, cls, g.n(20, 900)))
    lib = ["\tat org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:915)\n",
           "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)\n",
           "\tat java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)\n",
           "\tat java.base/java.lang.Thread.run(Thread.java:840)\n",
           "\tat com.zaxxer.hikari.pool.HikariPool.createPoolEntry(HikariPool.java:476)\n",
           "\tat okhttp3.internal.connection.RealCall.execute(RealCall.kt:154)\n"]
    out += g.r.sample(lib, 2)
    return out


def _java_prefix(g, clk, level, logger):
    clk.tick(0.0005, 0.05)
    if g.java_style == "spring":
        return F(clk.plain(), " ", level.rjust(5), " 1 --- [", g.java_thread.rjust(15)[-15:], "] ", logger.ljust(40)[:40], " : ")
    if g.java_style == "logback":
        return F(clk.hms(), " [", g.java_thread, "] ", level.ljust(5), " ", logger, " - ")
    return F(clk.plain(",", 3), " [", g.java_thread, "] ", level, " ", logger, " - ")


def java_stacktrace(g):
    r = g.r
    clk = g.clock()
    variant = g.deck("java", ["okhttp", "feign", "hikari", "sql", "kafka", "resttemplate", "mdc"])
    pkg = g.pick(JAVA_PKGS)
    g.java_style = g.pick(["spring", "spring", "logback", "log4j"])
    g.variant = variant
    g.java_thread = g.pick(["nio-8080-exec-3", "main", "scheduling-1", "task-2", "http-nio-8443-exec-7", "pool-2-thread-1"])
    out = []
    if variant == "okhttp":
        lg = "okhttp3.OkHttpClient"
        url = g.query_url() if g.chance(0.3) else F("https://", host(g), g.pick(C.PATHS))
        out.append(F(_java_prefix(g, clk, "INFO", lg), "--> POST ", url, "\n"))
        for h, v in g.header_set(n_secret=1, n_benign=g.n(1, 3)):
            out.append(F(_java_prefix(g, clk, "INFO", lg), h, ": ", v, "\n"))
        body = F('{"amount":', str(g.n(100, 99999)), ',"currency":"usd","receipt_email":', jstr(g.email()), "}")
        out.append(F(_java_prefix(g, clk, "INFO", lg), "\n", _java_prefix(g, clk, "INFO", lg), body, "\n"))
        out.append(F(_java_prefix(g, clk, "INFO", lg), "--> END POST (", str(len(text(body))), "-byte body)\n"))
        out.append(F(_java_prefix(g, clk, "INFO", lg), "<-- 401 Unauthorized ", url, " (", str(g.n(20, 900)), "ms)\n"))
        out.append(F(_java_prefix(g, clk, "ERROR", pkg + ".client.PartnerApiClient"), "call failed\n"))
        out.append(F(pkg, ".client.ApiException: HTTP 401 Unauthorized (request-id: ", stripe_obj_id(g), ")\n"))
        out += _java_frames(g, g.n(3, 6))
    elif variant == "feign":
        cls = g.pick(JAVA_CLASSES)
        meth = g.pick(["charge", "createCustomer", "listOrders", "refresh"])
        tag = "[%s#%s] " % (cls, meth)
        lg = pkg + ".client." + cls
        out.append(F(_java_prefix(g, clk, "DEBUG", lg), tag, "---> POST https://", host(g), g.pick(C.PATHS), " HTTP/1.1\n"))
        for h, v in g.header_set(n_secret=g.pick([1, 1, 2]), n_benign=g.n(1, 2)):
            out.append(F(_java_prefix(g, clk, "DEBUG", lg), tag, h, ": ", v, "\n"))
        out.append(F(_java_prefix(g, clk, "DEBUG", lg), tag, "---> END HTTP (", str(g.n(10, 900)), "-byte body)\n"))
        out.append(F(_java_prefix(g, clk, "DEBUG", lg), tag, "<--- HTTP/1.1 403 Forbidden (", str(g.n(20, 900)), "ms)\n"))
        out.append(F(_java_prefix(g, clk, "DEBUG", lg), tag, "x-request-id: ", g.uuid(), "\n"))
        out.append(F("feign.FeignException$Forbidden: [403 Forbidden] during [POST] to [https://", host(g), "/v1/", meth, "] [",
                     cls, "#", meth, "(String)]: [{\"error\":\"insufficient_scope\"}]\n"))
        out += _java_frames(g, g.n(3, 5))
    elif variant == "hikari":
        lg = "com.zaxxer.hikari.HikariConfig"
        pw = g.password("!$^*-_.~", "password") if g.chance(0.4) else None
        jd = g.jdbc()
        rows = [("allowPoolSuspension", F("false")), ("autoCommit", F("true")), ("connectionTimeout", F("30000")),
                ("dataSourceProperties", F("{password=", g.ben("placeholder", "<masked>"), "}")),
                ("driverClassName", F('"org.postgresql.Driver"')), ("idleTimeout", F("600000")),
                ("jdbcUrl", jd), ("maximumPoolSize", F(str(g.pick([10, 20, 50])))),
                ("password", F(g.ben("placeholder", "<masked>")) if pw is None else F(pw)),
                ("poolName", F('"HikariPool-1"')), ("username", F('"', g.pick(C.DB_USERS), '"'))]
        out.append(F(_java_prefix(g, clk, "DEBUG", lg), "HikariPool-1 - configuration:\n"))
        for k, v in rows:
            out.append(F(_java_prefix(g, clk, "DEBUG", lg), k.ljust(32, "."), v, "\n"))
        out.append(F(_java_prefix(g, clk, "ERROR", "com.zaxxer.hikari.pool.HikariPool"), "HikariPool-1 - Exception during pool initialization.\n"))
        out.append(F("org.postgresql.util.PSQLException: FATAL: password authentication failed for user \"", g.pick(C.DB_USERS), "\"\n"))
        out += _java_frames(g, 2)
    elif variant == "sql":
        lg = "org.hibernate.engine.jdbc.spi.SqlExceptionHelper"
        jd = g.jdbc()
        out.append(F(_java_prefix(g, clk, "WARN", lg), "SQL Error: 1045, SQLState: 28000\n"))
        out.append(F(_java_prefix(g, clk, "ERROR", lg), "Access denied for user '", g.pick(C.DB_USERS), "'@'", g.private_ip(), "' (using password: YES)\n"))
        out.append(F("org.springframework.jdbc.CannotGetJdbcConnectionException: Failed to obtain JDBC Connection; nested exception is java.sql.SQLException: Cannot create PoolableConnectionFactory (url: ",
                     jd, ")\n"))
        out += _java_frames(g, g.n(2, 4))
        out.append("Caused by: java.sql.SQLInvalidAuthorizationSpecException: Access denied for user (using password: YES)\n")
        out.append("\tat org.mariadb.jdbc.client.impl.ConnectionHelper.authenticationHandler(ConnectionHelper.java:282)\n")
        out.append("\t... %d common frames omitted\n" % g.n(10, 60))
    elif variant == "kafka":
        lg = "org.apache.kafka.clients.producer.ProducerConfig"
        out.append(F(_java_prefix(g, clk, "INFO", lg), "ProducerConfig values: \n"))
        user = g.pick(["svc-orders", "ingest", "app", "PLAIN-user"])
        leak = g.chance(0.6)
        rows = [F("\tacks = -1\n"), F("\tbootstrap.servers = [", g.pick(["b-1.msk.internal:9096", "pkc-4nym6.us-east-1.aws.confluent.cloud:9092", "kafka-0.kafka:9093"]), "]\n"),
                F("\tclient.id = producer-", str(g.n(1, 9)), "\n"), F("\tcompression.type = ", g.pick(["lz4", "zstd", "none"]), "\n"),
                F("\tsasl.jaas.config = ", F("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"", user,
                                              "\" password=\"", g.sec("password", S.password(r, "!#%^*-_.~")), "\";") if leak else g.ben("placeholder", "[hidden]"), "\n"),
                F("\tsasl.mechanism = PLAIN\n"), F("\tsecurity.protocol = SASL_SSL\n"),
                F("\tssl.truststore.password = ", g.ben("placeholder", "[hidden]") if g.chance(0.7) else g.sec("password", S.password(r, "-_.")), "\n"),
                F("\ttransactional.id = ", g.uuid(), "\n")]
        out += rows
        out.append(F(_java_prefix(g, clk, "ERROR", "org.apache.kafka.clients.NetworkClient"),
                     "[Producer clientId=producer-1] Connection to node -1 (", g.private_ip(), ":9093) failed authentication due to: Authentication failed during authentication due to invalid credentials with SASL mechanism PLAIN\n"))
    elif variant == "resttemplate":
        lg = pkg + ".service." + g.pick(JAVA_CLASSES)
        url = g.query_url()
        out.append(F(_java_prefix(g, clk, "ERROR", lg), "Partner sync failed for tenant ", g.uuid(), "\n"))
        out.append(F("org.springframework.web.client.HttpClientErrorException$Unauthorized: 401 Unauthorized on GET request for \"",
                     url, "\": \"{\"error\":\"invalid_token\",\"error_description\":\"The access token expired\"}\"\n"))
        out += _java_frames(g, g.n(3, 6))
        out.append(F("Caused by: ", pkg, ".auth.TokenExpiredException: token expired at ", g.epoch_ms(clk), "\n"))
        out.append("\t... %d more\n" % g.n(5, 40))
    else:  # MDC / structured pattern with PII, plus config properties echo
        lg = pkg + ".web.AuthController"
        out.append(F(clk.plain(), " INFO  [", g.pick(["http-nio-8080-exec-1", "reactor-http-epoll-2"]), "] [traceId=", g.trace(), ", spanId=", g.span(),
                     ", user=", g.email(), "] ", lg, " - login attempt from ", g.private_ip(), "\n"))
        out.append(F(clk.plain(), " WARN  [main] o.s.b.c.p.PropertySourcesPropertyResolver - Resolved placeholder 'spring.datasource.password' as '",
                     g.ben("placeholder", "******") if g.chance(0.5) else g.sec("password", S.password(r, "!#%-_.")), "'\n"))
        name, frag = g.named_secret("dotted")
        out.append(F(clk.plain(), " DEBUG [main] o.s.c.e.PropertySourcesPropertyResolver - Found key '", name.lower(), "' in PropertySource 'systemEnvironment' with value of type String: ",
                     frag, "\n"))
        out.append(F(clk.plain(), " ERROR [http-nio-8080-exec-4] ", lg, " - Login failed for ", g.email(), " (phone ", g.phone(), ")\n"))
        out.append(F("java.lang.IllegalStateException: MFA device not registered for account ", g.nine(), "\n"))
        out += _java_frames(g, g.n(2, 4))
    out.append("\n")
    return F(out)


# ---------------------------------------------------------------------------
# 3. Node stack traces (axios error dumps, pg, prisma, undici)
# ---------------------------------------------------------------------------

def _node_frames(g, n):
    app = g.pick(["/app", "/usr/src/app", "/home/node/app", "/var/task"])
    out = []
    lib = ["    at settle (%s/node_modules/axios/dist/node/axios.cjs:1966:12)\n" % app,
           "    at IncomingMessage.handleStreamEnd (%s/node_modules/axios/dist/node/axios.cjs:3065:11)\n" % app,
           "    at IncomingMessage.emit (node:events:531:35)\n",
           "    at endReadableNT (node:internal/streams/readable:1696:12)\n",
           "    at process.processTicksAndRejections (node:internal/process/task_queues:82:21)\n",
           "    at Axios.request (%s/node_modules/axios/dist/node/axios.cjs:3876:41)\n" % app]
    out += lib[:g.n(2, 5)]
    for _ in range(n):
        out.append("    at async %s (%s/%s:%d:%d)\n" % (g.pick(["syncOrders", "PaymentsService.charge", "refreshToken", "Object.handler", "runJob"]),
                                                      app, g.pick(["dist/services/payments.js", "src/jobs/sync.ts", "build/index.js", "dist/main.js"]),
                                                      g.n(10, 500), g.n(2, 60)))
    return out


def node_stacktrace(g):
    r = g.r
    variant = g.deck("node", ["axios", "axios", "pg", "prisma", "undici", "unhandled"])
    g.variant = variant
    out = []
    clk = g.clock()
    if variant == "axios":
        hs = g.header_set(n_secret=1, n_benign=g.n(1, 3))
        url = g.query_url() if g.chance(0.3) else F("https://", host(g), g.pick(C.PATHS))
        code = g.pick(["401", "403", "429", "500"])
        out.append(F("AxiosError: Request failed with status code ", code, "\n"))
        out += _node_frames(g, g.n(1, 2))
        out.append("    at async Promise.all (index 0) {\n  code: 'ERR_BAD_REQUEST',\n  config: {\n")
        out.append("    transitional: {\n      silentJSONParsing: true,\n      forcedJSONParsing: true,\n      clarifyTimeoutError: false\n    },\n")
        out.append("    adapter: [ 'xhr', 'http', 'fetch' ],\n    transformRequest: [ [Function: transformRequest] ],\n    timeout: 10000,\n")
        out.append("    headers: Object [AxiosHeaders] {\n")
        rows = [F("      ", C.js_key(h), ": ", jsstr(v)) for h, v in [("Accept", F("application/json, text/plain, */*"))] + hs]
        out.append(F(join(",\n", rows), "\n    },\n"))
        body = render_obj([("email", F(g.email())), ("password", F(g.password("!#%^*-_.~")))], "json-compact") if g.chance(0.4) else \
            render_obj([("order_id", F(g.order_id())), ("amount", F(str(g.n(100, 9999))))], "json-compact")
        out.append(F("    method: 'post',\n    url: ", jsstr(url), ",\n    data: ", jsstr(body), "\n  },\n"))
        out.append("  request: <ref *1> ClientRequest {\n    _events: [Object: null prototype] {\n      abort: [Function (anonymous)],\n      error: [Function: handleRequestError]\n    },\n")
        path = g.pick(C.PATHS)
        hdr_lines = [F("POST ", path, " HTTP/1.1\\r\\n")] + [F(h, ": ", v, "\\r\\n") for h, v in [("Accept", F("application/json, text/plain, */*"))] + hs] + \
                    [F("Host: ", host(g), "\\r\\n"), F("Connection: keep-alive\\r\\n"), F("\\r\\n")]
        out.append(F("    _header: ", join(" +\n      ", [F("'", l, "'") for l in hdr_lines]), ",\n"))
        out.append(F("    method: 'POST',\n    path: '", path, "',\n    host: '", host(g), "',\n    protocol: 'https:',\n"))
        out.append("  },\n  response: {\n")
        out.append(F("    status: ", code, ",\n    statusText: 'Unauthorized',\n    headers: Object [AxiosHeaders] {\n      date: '", clk.http(),
                     "',\n      'content-type': 'application/json',\n      'x-request-id': '", g.uuid(), "',\n      'cf-ray': '",
                     g.ben("cf-ray", S.rs(r, S.HEX, 16)), "-IAD'\n    },\n"))
        out.append("    data: { error: { message: 'Invalid authentication credentials', type: 'invalid_request_error' } }\n  },\n  status: " + code + "\n}\n")
    elif variant == "pg":
        pw = g.password("!#%^*-_.~")
        out.append(F("error: password authentication failed for user \"", g.pick(C.DB_USERS), "\"\n"))
        out.append("    at Parser.parseErrorMessage (/app/node_modules/pg-protocol/dist/parser.js:283:98)\n")
        out.append("    at Parser.handlePacket (/app/node_modules/pg-protocol/dist/parser.js:122:29)\n")
        out += _node_frames(g, 1)[-1:]
        out.append(F("{\n  length: 104,\n  severity: 'FATAL',\n  code: '28P01',\n  file: 'auth.c',\n  line: '323',\n  routine: 'auth_failed',\n",
                     "  client: Client {\n    connectionParameters: ConnectionParameters {\n      user: '", g.pick(C.DB_USERS), "',\n      database: '",
                     g.pick(C.DB_NAMES), "',\n      port: 5432,\n      host: '", g.pick(C.DB_HOSTS), "',\n      binary: false,\n      options: undefined,\n      ssl: false,\n",
                     "      client_encoding: '',\n      replication: undefined,\n      isDomainSocket: false,\n      application_name: undefined,\n",
                     "      fallback_application_name: undefined,\n      statement_timeout: false,\n      lock_timeout: false,\n      idle_in_transaction_session_timeout: false,\n",
                     "      query_timeout: false,\n      connect_timeout: 0\n    },\n    user: '", g.pick(C.DB_USERS), "',\n    database: '", g.pick(C.DB_NAMES),
                     "',\n    port: 5432,\n    host: '", g.pick(C.DB_HOSTS), "',\n    password: ", jsstr(pw), ",\n    replication: undefined,\n    _Promise: [Function: Promise],\n",
                     "    _connecting: true,\n    processID: null,\n    secretKey: null,\n  }\n}\n"))
        if g.chance(0.5):
            name, frag = g.conn_url("postgres")
            out.append(F("\nNode.js v20.11.1\n[db] using connection string ", frag, "\n"))
    elif variant == "prisma":
        name, frag = g.conn_url(g.pick(["postgresql", "mysql", "mongodb+srv"]))
        out.append(F("PrismaClientInitializationError: \nInvalid `prisma.user.findUnique()` invocation in\n/app/src/routes/users.ts:", str(g.n(10, 99)), ":", str(g.n(5, 30)), "\n\n"))
        out.append(F("  ", str(g.n(10, 99)), " const user = await prisma.user.findUnique({ where: { email: ", jsstr(g.email()), " } })\n\n"))
        out.append(F("Authentication failed against database server at `", g.pick(C.DB_HOSTS), "`, the provided database credentials for `",
                     g.pick(C.DB_USERS), "` are not valid.\n\nPlease make sure to provide valid database credentials for the database server at `",
                     g.pick(C.DB_HOSTS), "`.\n"))
        out.append("    at $n.handleRequestError (/app/node_modules/@prisma/client/runtime/library.js:121:7615)\n")
        out.append(F("  clientVersion: '", g.pick(["5.10.2", "5.14.0", "6.1.0"]), "',\n  errorCode: 'P1000'\n}\n"))
        out.append(F("[env] loaded .env: ", name, "=", frag, "\n"))
    elif variant == "undici":
        out.append("TypeError: fetch failed\n    at node:internal/deps/undici/undici:13178:13\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)\n")
        out += _node_frames(g, 1)[-1:]
        out.append("  [cause]: ConnectTimeoutError: Connect Timeout Error (attempted address: ")
        out.append(F(host(g), ":443, timeout: 10000ms)\n      at onConnectTimeout (node:internal/deps/undici/undici:2331:28) {\n    code: 'UND_ERR_CONNECT_TIMEOUT'\n  }\n}\n"))
        hs = g.header_set(n_secret=1, n_benign=g.n(1, 2))
        out.append(F("request init: {\n  method: 'POST',\n  headers: ", g.render_headers(hs, "js-inspect"), ",\n  body: ",
                     jsstr(render_obj([("query", F("mutation { refund(id: \\\"", g.order_id(), "\\\") { ok } }"))], "json-compact")), "\n}\n"))
    else:
        out.append(F("(node:", str(g.n(1, 99999)), ") UnhandledPromiseRejectionWarning: Error: Stripe webhook signature verification failed\n"))
        out += _node_frames(g, 2)
        out.append(F("{\n  type: 'StripeSignatureVerificationError',\n  header: 't=", g.epoch(clk), ",v1=", g.ben("sha256", S.sha256_hex(r)),
                     "',\n  payload: ", jsstr(render_obj([("id", F(stripe_obj_id(g))), ("object", F("event")),
                                                          ("customer_email", F(g.email()))], "json-compact")),
                     ",\n  secret: ", jsstr(g.sec("stripe-webhook-secret", S.stripe_whsec(r))), "\n}\n"))
        out.append(F("(Use `node --trace-warnings ...` to show where the warning was created)\n"))
    out.append("\n")
    return F(out)


# ---------------------------------------------------------------------------
# log events shared by JSON and plain logs
# ---------------------------------------------------------------------------
# An event is (level, message, fields); a field is (key, fragment, t) with t one of
# "s" (string), "n" (number/bool, unquoted in JSON) or "o" (nested list of fields).

def _s(k, v):
    return (k, F(v), "s")


def _n(k, v):
    return (k, F(v), "n")


def _o(k, fields):
    return (k, fields, "o")


def _headers_fields(g, n_secret=1):
    return [(h.lower() if g.chance(0.6) else h, F(v), "s") for h, v in g.header_set(n_secret=n_secret, n_benign=g.n(1, 3))]


def log_event(g, clk, kind=None):
    r = g.r
    kind = kind or g.deck("event", ["http-in", "http-in", "http-out", "config", "user", "user", "payment", "db-error",
                                    "auth", "job", "job", "kafka", "llm", "http-in-noauth", "shell", "kyc", "sms", "aws"])
    if kind == "kyc":
        f = [_s("applicant_id", g.uuid()), _s("email", g.email())]
        k = g.n(0, 2)
        if k == 0:
            f.append(_s(g.pick(["ssn", "SSN", "applicant_ssn", "social_security_number"]), g.ssn(bare=True)))
        elif k == 1:
            f.append(_s("ssn", g.ssn()))
        else:
            f.append(_s("tax_id_last4", F(str(g.n(1000, 9999)))))
            f.append(_s("ssn", mask(g)))
        f.append(_s("dob", F("%d-%02d-%02d" % (g.n(1950, 2004), g.n(1, 12), g.n(1, 28)))))
        if g.chance(0.5):
            f.append(_s("bank_account", g.iban()))
        return g.pick(["info", "warn"]), g.pick(["kyc check submitted", "identity verification failed", "kyc manual review"]), f
    if kind == "sms":
        f = [_s("to", g.phone()), _s("message_sid", g.ben("twilio-message-sid", "SM" + S.rs(r, S.HEX, 32))),
             _s("status", g.pick(["queued", "failed", "delivered"]))]
        if g.chance(0.3):
            f.append(_s("from", g.phone()))
        return "info", g.pick(["sms sent", "otp delivered", "sms delivery failed"]), f
    if kind == "aws":
        f = [_s("role_arn", aws_arn(g)), _s("request_id", g.uuid()), _s("region", g.pick(REGIONS))]
        if g.chance(0.5):
            f.append(_s("access_key_id", masked_key(g)))
        if g.chance(0.3):
            f.append(_s("session", F(g.pick(["botocore-session-", "ci-"]) + str(g.n(10**9, 10**10 - 1)))))
        return "info", g.pick(["assumed role", "credentials refreshed", "sts call"]), f
    if kind in ("http-in", "http-in-noauth"):
        path = g.pick(C.PATHS)
        f = [_s("method", g.pick(["GET", "POST", "PUT", "DELETE"])), _s("path", path.split("?")[0]),
             _n("status", str(g.pick([200, 200, 201, 204, 401, 403, 404, 500]))), _n("duration_ms", "%.1f" % r.uniform(0.5, 900)),
             _s("remote_ip", g.private_ip()), _s("request_id", g.uuid())]
        if kind == "http-in":
            f.append(_o("headers", _headers_fields(g)))
        else:
            f.append(_s("user_agent", g.pick(C.UA)))
            if g.chance(0.5):
                f.append(_s("user", g.email()))
        if g.chance(0.3):
            f.append(_s("traceparent", g.traceparent()))
        return "info", "request completed", f
    if kind == "http-out":
        url = g.query_url() if g.chance(0.6) else F(g.url_secret()[1]) if g.chance(0.5) else F("https://", host(g), g.pick(C.PATHS))
        f = [_s("url", url), _n("status", str(g.pick([200, 401, 429, 502, 503]))), _n("attempt", str(g.n(1, 4))),
             _n("elapsed_ms", str(g.n(3, 4000))), _s("trace_id", g.trace()), _s("span_id", g.span())]
        return g.pick(["warn", "error", "info"]), g.pick(["upstream call failed", "retrying request", "outbound request"]), f
    if kind == "config":
        f = []
        for _ in range(g.n(1, 2)):
            name, frag = g.named_secret("snake")
            f.append(_s(name.lower(), frag))
        for _ in range(g.n(2, 4)):
            k = g.deck("cfg-benign", ["placeholder", "masked", "tokens", "secret_name", "version", "sha", "region", "port", "ip"])
            if k == "placeholder":
                f.append(_s(g.pick(["db_password", "api_key", "jwt_secret", "smtp_password", "stripe_key"]), g.placeholder()))
            elif k == "masked":
                f.append(_s(g.pick(["password", "api_key", "token", "secret_key"]), mask(g)))
            elif k == "tokens":
                f.append(_n(g.pick(["max_tokens", "token_limit", "token_ttl"]), token_count(g)))
            elif k == "secret_name":
                f.append(_s(g.pick(["secret_name", "credentials_secret"]), secret_name(g)))
            elif k == "version":
                f.append(_s("version", g.version()))
            elif k == "sha":
                f.append(_s("git_sha", g.sha()))
            elif k == "region":
                f.append(_s("region", g.pick(REGIONS)))
            elif k == "port":
                f.append(_n("port", str(g.pick([8080, 3000, 8000, 9090]))))
            else:
                f.append(_s("db_host", g.private_ip()))
        r.shuffle(f)
        return "info", g.pick(["config loaded", "starting service with settings", "effective configuration"]), f
    if kind == "user":
        f = [_s("user_id", g.uuid() if g.chance(0.5) else g.nine()), _s("email", g.email())]
        if g.chance(0.5):
            f.append(_s("phone", g.phone()))
        if g.chance(0.3):
            f.append(_s("ip", g.private_ip()))
        if g.chance(0.25):
            f.append(_s("password", g.password()) if g.chance(0.5) else _s("password", mask(g)))
        if g.chance(0.2):
            f.append(_s("ssn", g.ssn()))
        return g.pick(["info", "warn"]), g.pick(["user signed up", "login failed", "password reset requested", "profile updated",
                                                 "MFA challenge sent"]), f
    if kind == "payment":
        f = [_s("order_id", g.order_id()), _n("amount", str(g.n(100, 999999))), _s("currency", g.pick(["usd", "eur", "gbp"])),
             _s("customer", stripe_obj_id(g))]
        if g.chance(0.4):
            f.append(_s(g.pick(["tracking_number", "gateway_txn", "auth_code_ref"]), g.bad_luhn()))
        if g.chance(0.15):
            f.append(_s("rejected_iban", g.ben("iban-invalid", S.iban_invalid(r))))
        k = g.n(-1, 3)
        if k <= 0:
            f.append(_s(g.pick(["card_number", "pan", "card", "cc_number"]), g.card()))
        elif k == 1:
            f.append(_s("iban", g.iban()))
        elif k == 2:
            f.append(_s("reference", g.bad_luhn()))
            f.append(_s("email", g.email()))
        else:
            f.append(_s("payment_intent", stripe_obj_id(g)))
            f.append(_s("idempotency_key", g.uuid()))
        return g.pick(["info", "error"]), g.pick(["charge created", "charge failed", "payout scheduled", "refund issued"]), f
    if kind == "db-error":
        if g.chance(0.6):
            name, frag = g.conn_url()
        else:
            frag = F(g.pick(["postgres", "mysql", "redis"]), "://", g.pick(C.DB_USERS), ":", g.ben("placeholder", g.pick(["***", "****", "xxxxx"])),
                     "@", g.pick(C.DB_HOSTS), "/", g.pick(C.DB_NAMES))
        f = [_s("dsn", frag), _s("error", g.pick(["connection refused", "password authentication failed", "timeout expired", "too many connections"])),
             _n("retry_in_ms", str(g.n(100, 30000)))]
        return "error", "database connection failed", f
    if kind == "auth":
        k = g.n(0, 2)
        if k == 0:
            name, item = g.generic("token")
            f = [_s(name.lower(), item), _n("expires_in", str(g.pick([3600, 7200, 86400]))), _s("client_id", g.uuid())]
            msg = "token refreshed"
        elif k == 1:
            sp, item = g.provider()
            f = [_s(g.pick(["api_key", "key", "token", "credential"]), item), _s("provider", sp.type.split("-")[0])]
            msg = "using credentials"
        else:
            hname, hval = g.auth_header()
            f = [_s(hname.lower().replace("-", "_"), hval), _s("route", g.pick(C.PATHS).split("?")[0])]
            msg = "rejected request: invalid credentials"
        return g.pick(["debug", "warn"]), msg, f
    if kind == "job":
        f = [_s("job_id", g.uuid()), _s("queue", g.pick(["default", "critical", "exports", "emails"])), _n("enqueued_at", g.epoch(clk)),
             _n("duration_ms", str(g.n(1, 60000))), _s("commit", g.short_sha()), _s("version", g.version())]
        if g.chance(0.3):
            f.append(_s("image", F("ghcr.io/", g.pick(ORGS), "/", g.pick(C.SERVICES), "@", g.digest())))
        if g.chance(0.3):
            f.append(_s("cursor", g.cursor()))
        return "info", g.pick(["job finished", "job started", "batch exported", "cron tick"]), f
    if kind == "kafka":
        f = [_s("topic", g.pick(["orders.v1", "payments.events", "user-signups", "audit"])), _n("partition", str(g.n(0, 11))),
             _n("offset", str(g.n(10**5, 10**9))), _n("ts", g.epoch_ms(clk)), _s("key", g.uuid())]
        if g.chance(0.3):
            f.append(_s("dd.trace_id", g.ddid()))
        return "info", "message consumed", f
    if kind == "llm":
        f = [_s("model", g.pick(MODELS)), _n("prompt_tokens", token_count(g, g.n(100, 9000))), _n("completion_tokens", token_count(g, g.n(10, 2000))),
             _n("max_tokens", token_count(g)), _s("request_id", llm_call_id(g))]
        return "info", "llm call completed", f
    # shell / exec
    pw = g.sec("cli-password", S.password(r, "-_.^*"))
    k = g.n(0, 2)
    if k == 0:
        cmd = F("mysqldump -h ", g.pick(C.DB_HOSTS), " -u ", g.pick(C.DB_USERS), " -p", pw, " --single-transaction ", g.pick(C.DB_NAMES))
    elif k == 1:
        cmd = F("PGPASSWORD=", pw, " pg_dump -h ", g.pick(C.DB_HOSTS), " -U ", g.pick(C.DB_USERS), " -Fc ", g.pick(C.DB_NAMES))
    else:
        cmd = F("mongodump --host ", g.pick(C.DB_HOSTS), " --username ", g.pick(C.DB_USERS), " --password ", pw, " --authenticationDatabase admin")
    f = [_s("cmd", cmd), _n("exit_code", str(g.pick([1, 2, 137])))]
    return "error", "backup command failed", f


def _json_val(field):
    k, v, t = field
    if t == "s":
        return jstr(v)
    if t == "n":
        return F(v)
    return F("{", join(",", [F(jstr(kk), ":", _json_val((kk, vv, tt))) for kk, vv, tt in v]), "}")


def _json_fields(fields, sep=","):
    return join(sep, [F(jstr(k), ":" if sep == "," else ": ", _json_val((k, v, t))) for k, v, t in fields])


def _flat(fields, prefix=""):
    out = []
    for k, v, t in fields:
        if t == "o":
            out += _flat(v, prefix + k + ".")
        else:
            out.append((prefix + k, v, t))
    return out


# ---------------------------------------------------------------------------
# 4. JSON structured logs (pino, zap, structlog, logrus, bunyan, serilog, slog)
# ---------------------------------------------------------------------------

PINO_LEVEL = {"debug": 20, "info": 30, "warn": 40, "error": 50}


def json_log(g):
    fmt = g.deck("jsonfmt", ["pino", "zap", "structlog", "logrus", "bunyan", "serilog", "slog", "winston"])
    g.variant = fmt
    clk = g.clock()
    svc = g.pick(C.SERVICES)
    hn = pod(g, svc)
    out = []
    for _ in range(g.n(3, 7)):
        clk.tick(0.001, 3)
        level, msg, fields = log_event(g, clk)
        if fmt == "pino":
            head = F('{"level":', str(PINO_LEVEL[level]), ',"time":', g.epoch_ms(clk) if g.chance(0.3) else clk.epoch_ms(),
                     ',"pid":1,"hostname":', jstr(hn))
            if fields and fields[-1][2] == "o" and g.chance(0.5):
                # pino-http puts the request under "req"
                req = [f for f in fields if f[0] in ("method", "path", "headers", "remote_ip", "request_id")]
                rest = [f for f in fields if f not in req]
                body = F(',"req":{', _json_fields([("id" if k == "request_id" else "url" if k == "path" else "remoteAddress" if k == "remote_ip" else k, v, t)
                                                   for k, v, t in req]), "}", "," if rest else "", _json_fields(rest))
            else:
                body = F(",", _json_fields(fields)) if fields else F()
            out.append(F(head, body, ',"msg":', jstr(msg), "}\n"))
        elif fmt == "zap":
            flat = []
            for k, v, t in fields:
                if k == "headers":
                    flat.append((k, [(kk, F("[", jstr(vv), "]"), "n") for kk, vv, tt in v], "o"))
                else:
                    flat.append((k, v, t))
            caller = "%s/%s.go:%d" % (g.pick(["client", "server", "store", "worker"]), g.pick(["http", "handler", "postgres", "queue"]), g.n(20, 400))
            line = F('{"level":"', level, '","ts":', clk.epoch_f(), ',"logger":"', svc, '","caller":"', caller, '","msg":', jstr(msg),
                     ",", _json_fields(flat))
            if level == "error" and g.chance(0.5):
                line = F(line, ',"stacktrace":"main.(*Server).handle\\n\\t/app/server/handler.go:', str(g.n(20, 300)),
                         '\\nnet/http.HandlerFunc.ServeHTTP\\n\\t/usr/local/go/src/net/http/server.go:2166"')
            out.append(F(line, "}\n"))
        elif fmt == "structlog":
            out.append(F("{", jstr("event"), ": ", jstr(msg), ", ", _json_fields(fields, ", "), ", \"level\": \"", level,
                         "\", \"logger\": \"", g.pick(C.LOGGERS), "\", \"timestamp\": \"", iso(g, clk, 6), "\"}\n"))
        elif fmt == "logrus":
            flat = _flat(fields)
            out.append(F("{", _json_fields(flat), ',"level":"', {"warn": "warning"}.get(level, level), '","msg":', jstr(msg),
                         ',"time":"', clk.iso(0, "+00:00"), '"}\n'))
        elif fmt == "bunyan":
            out.append(F('{"name":"', svc, '","hostname":"', hn, '","pid":', str(g.n(1, 40000)), ',"level":', str(PINO_LEVEL[level]),
                         ",", _json_fields(fields), ',"msg":', jstr(msg), ',"time":"', iso(g, clk), '","v":0}\n'))
        elif fmt == "serilog":
            lvl = {"debug": "Debug", "info": "Information", "warn": "Warning", "error": "Error"}[level]
            out.append(F('{"@t":"', clk.iso(7), '","@mt":', jstr(msg + " {" + (fields[0][0] if fields else "x") + "}"),
                         ',"@l":"', lvl, '",', _json_fields(fields), ',"SourceContext":"', g.pick(JAVA_PKGS).replace("com.", "Acme."),
                         '","MachineName":"', hn, '"}\n'))
        elif fmt == "slog":
            out.append(F('{"time":"', clk.iso(9, "Z"), '","level":"', level.upper(), '","msg":', jstr(msg), ",", _json_fields(fields), "}\n"))
        else:
            out.append(F('{"level":"', level, '","message":', jstr(msg), ",", _json_fields(fields), ',"service":"', svc,
                         '","timestamp":"', clk.iso(3), '"}\n'))
    out.append("\n")
    return F(out)


# ---------------------------------------------------------------------------
# 5. Plain application logs (python logging, logfmt, rails, nginx, go, syslog, laravel)
# ---------------------------------------------------------------------------

def _kv_render(fields, style="logfmt"):
    flat = _flat(fields)
    if style == "logfmt":
        return join(" ", [F(k, "=", C.logfmt_val(v) if t == "s" else v) for k, v, t in flat])
    if style == "pydict":
        return F("{", join(", ", [F(pystr(k), ": ", pystr(v) if t == "s" else v) for k, v, t in flat]), "}")
    if style == "colon":
        return join(", ", [F(k, ": ", v) for k, v, t in flat])
    raise ValueError(style)


def app_log(g):
    r = g.r
    fmt = g.deck("appfmt", ["python", "python", "logfmt", "rails", "nginx", "go", "syslog", "laravel", "heroku"])
    g.variant = fmt
    clk = g.clock()
    out = []
    svc = g.pick(C.SERVICES)
    g.syshost, g.pid = hostname(g), g.n(100, 40000)
    n = g.n(3, 7)
    if fmt == "rails":
        for _ in range(g.n(1, 3)):
            clk.tick(0.5, 20)
            path = g.pick(["/users/sign_in", "/api/v1/payments", "/account/billing", "/oauth/token", "/admin/users"])
            out.append(F("Started POST \"", path, "\" for ", g.private_ip(), " at ", clk.plain(" ", 0)[:19], " +0000\n"))
            out.append(F("Processing by ", g.pick(["Users::SessionsController#create", "Api::V1::PaymentsController#create",
                                                   "BillingController#update", "Doorkeeper::TokensController#create"]), " as ", g.pick(["HTML", "JSON"]), "\n"))
            params = [F('"authenticity_token"=>"', g.ben("placeholder", "[FILTERED]"), '"')]
            k = g.n(0, 3)
            if k == 0:
                params.append(F('"user"=>{"email"=>', jstr(g.email()), ', "password"=>"', g.ben("placeholder", "[FILTERED]"), '", "remember_me"=>"1"}'))
            elif k == 1:
                params.append(F('"payment"=>{"iban"=>', jstr(g.iban()), ', "holder"=>"', g.pick(S.FIRST).capitalize(), " ", g.pick(S.LAST).capitalize(), '"}'))
            elif k == 2:
                # a param name outside filter_parameters leaks
                params.append(F('"grant_type"=>"client_credentials", "client_id"=>"', S.rs(r, S.ALNUM, 43), '", "client_secret"=>"',
                                g.ben("placeholder", "[FILTERED]") if g.chance(0.5) else g.sec("generic-secret", S.rs(r, S.ALNUM + "-_", 43)), '"'))
            else:
                params.append(F('"account"=>{"phone"=>', jstr(g.phone()), ', "api_token"=>', jstr(g.sec("generic-token", S.opaque_token(r))), '}'))
            out.append(F("  Parameters: {", join(", ", params), "}\n"))
            out.append(F("  User Load (0.", str(g.n(2, 9)), "ms)  SELECT \"users\".* FROM \"users\" WHERE \"users\".\"email\" = $1 LIMIT $2  [[\"email\", ",
                         jstr(g.email()), "], [\"LIMIT\", 1]]\n"))
            out.append(F("Completed ", g.pick(["302 Found", "200 OK", "401 Unauthorized", "422 Unprocessable Entity"]), " in ", str(g.n(5, 900)),
                         "ms (Views: ", str(g.n(0, 50)), ".", str(g.n(0, 9)), "ms | ActiveRecord: ", str(g.n(0, 80)), ".", str(g.n(0, 9)),
                         "ms | Allocations: ", str(g.n(1000, 90000)), ")\n\n"))
        return F(out)
    for _ in range(n):
        clk.tick(0.001, 5)
        level, msg, fields = log_event(g, clk)
        if fmt == "python":
            line = F(clk.py(), " ", level.upper().replace("WARN", "WARNING"), " [", g.pick(C.LOGGERS), "] ", msg, ": ",
                     _kv_render(fields, g.pick(["pydict", "logfmt"])))
        elif fmt == "logfmt":
            line = F("time=", clk.iso(3), " level=", level, " msg=", C.logfmt_val(msg), " ", _kv_render(fields))
        elif fmt == "go":
            line = F(clk.plain(" ", 0)[:19].replace("-", "/"), " ", g.pick(["[ERROR]", "[WARN]", "[INFO]", ""]), " ", msg, ": ", _kv_render(fields, "colon"))
        elif fmt == "syslog":
            if g.chance(0.25):
                line = F(clk.syslog(), " ", g.syshost, " sshd[", str(g.n(1000, 90000)), "]: Accepted publickey for ", g.pick(["deploy", "ubuntu", "git"]),
                         " from ", g.private_ip(), " port ", str(g.n(30000, 65000)), " ssh2: ED25519 ", ssh_fp(g))
            else:
                line = F(clk.syslog(), " ", g.syshost, " ", svc, "[", str(g.pid), "]: ", level, " ", msg, " ", _kv_render(fields))
        elif fmt == "laravel":
            line = F("[", clk.plain(" ", 0)[:19], "] production.", level.upper(), ": ", msg, " ", _json_fields_obj(fields))
        elif fmt == "heroku":
            line = F(clk.iso(6, "+00:00"), " app[web.", str(g.n(1, 4)), "]: ", level.upper(), " ", msg, " ", _kv_render(fields))
        else:  # nginx: access log line; request line carries query secrets; plus error log lines
            if g.chance(0.6):
                url = g.query_url() if g.chance(0.5) else F("https://", host(g), g.pick(C.PATHS))
                u = text(url)
                pathq = F(u[u.index("/", 8):]) if not any(isinstance(p, Item) for p in url) else _path_of(url)
                ref = g.pick(['"-"', '"https://app.acme.io/"'])
                line = F(g.private_ip(), " - ", g.pick(["-", "-", g.pick(C.USERS)]), " [", clk.clf(), "] \"", g.pick(["GET", "POST"]), " ", pathq,
                         " HTTP/1.1\" ", str(g.pick([200, 200, 302, 401, 404])), " ", str(g.n(0, 90000)), " ", ref, " \"", g.pick(C.UA), "\" rt=",
                         "%.3f" % r.uniform(0, 3), " req_id=", g.ben("request-id", S.rs(r, S.HEX, 32)))
            else:
                line = F(clk.plain(" ", 0)[:19].replace("-", "/"), " [error] ", str(g.n(1, 99)), "#", str(g.n(0, 9)), ": *", str(g.n(1, 99999)),
                         " upstream timed out (110: Connection timed out) while reading response header from upstream, client: ",
                         g.private_ip(), ", server: ", host(g), ", request: \"GET ", g.pick(C.PATHS), " HTTP/1.1\", upstream: \"http://",
                         g.private_ip(), ":8080", g.pick(C.PATHS).split("?")[0], "\"")
        out.append(F(line, "\n"))
    out.append("\n")
    return F(out)


def _json_fields_obj(fields):
    return F("{", _json_fields(fields), "}")


def _path_of(url):
    """Drop scheme://host from a URL fragment, keeping labelled items intact."""
    out = []
    seen = 0
    for p in F(url):
        if isinstance(p, str) and seen < 3:
            # count slashes to find the path start
            for i, ch in enumerate(p):
                if ch == "/":
                    seen += 1
                    if seen == 3:
                        out.append(p[i:])
                        break
        else:
            out.append(p)
    return F(out)


# ---------------------------------------------------------------------------
# 6. CI logs (GitHub Actions, GitLab CI, Jenkins, docker build)
# ---------------------------------------------------------------------------

def ci_secret_command(g):
    """A shell command line (no prompt, no newline) that carries a secret inline."""
    r = g.r
    k = g.deck("ci-cmd", ["docker-login", "mysql", "pgpassword", "export", "export", "curl-bearer", "curl-user", "git-clone",
                          "npm-token", "twine", "helm", "terraform", "kubectl-secret", "aws-configure", "sshpass", "redis-cli",
                          "psql-url", "docker-run-env", "az-login", "gh-auth", "vault-login", "curl-header-provider"])
    return set_ctx_all(_ci_secret_command(g, k, r), "cmd:" + k)


def _ci_secret_command(g, k, r):
    pw = lambda: g.sec("cli-password", S.password(r, "-_.^*@%+="))
    if k == "docker-login":
        reg = g.pick(["ghcr.io", "registry.gitlab.com", "docker.io", "%d.dkr.ecr.us-east-1.amazonaws.com" % g.n(10**11, 10**12 - 1), "harbor.acme.io"])
        if reg == "docker.io" and g.chance(0.6):
            val = g.sec("dockerhub-pat", S.dockerhub_pat(r))
        elif reg == "ghcr.io" and g.chance(0.6):
            val = g.sec("github-pat", S.github_pat(r))
        elif reg == "registry.gitlab.com" and g.chance(0.6):
            val = g.sec("gitlab-pat", S.gitlab_pat(r))
        else:
            val = pw()
        return F("docker login -u ", g.pick(["ci-bot", "AWS", "gitlab-ci-token", "deploy", "acme"]), " ", g.pick(["-p ", "--password ", "--password="]), val, " ", reg)
    if k == "mysql":
        return F("mysql -h ", g.pick(C.DB_HOSTS), " -u ", g.pick(C.DB_USERS), " -p", pw(), " -e ", g.pick(["'SELECT 1'", "'SHOW DATABASES'", '"source db/seed.sql"']))
    if k == "pgpassword":
        return F("PGPASSWORD=", pw(), " psql -h ", g.pick(C.DB_HOSTS), " -U ", g.pick(C.DB_USERS), " -d ", g.pick(C.DB_NAMES), " -c 'select count(*) from schema_migrations'")
    if k == "export":
        name, frag = g.named_secret("env")
        return F("export ", name, "=", C.shq(frag)) if "\n" not in text(frag) else F("export ", name, "=", C.shq(g.sec("generic-secret", C.generic_secret_value(r))))
    if k == "curl-bearer":
        hn, hv = g.auth_header()
        q = g.pick(["'", '"'])
        return F("curl -sSf ", g.pick(["-X POST ", "", "--retry 3 "]), "-H ", q, hn, ": ", hv, q, " https://", host(g), g.pick(C.PATHS).split("?")[0])
    if k == "curl-user":
        return F("curl -fsSL -u ", g.pick(C.USERS), ":", pw(), " https://", g.pick(["nexus.acme.io", "artifactory.globex.com", "jenkins.internal"]),
                 "/repository/releases/app-", g.version(), ".tar.gz -o app.tgz")
    if k == "git-clone":
        if g.chance(0.5):
            tok = g.sec(g.pick(["github-app-token", "github-pat"]), S.github_s2s(r))
            return F("git clone https://x-access-token:", tok, "@github.com/", g.pick(ORGS), "/", g.pick(REPOS), ".git")
        tok = g.sec("gitlab-pat", S.gitlab_pat(r)) if g.chance(0.6) else pw()
        return F("git clone https://", g.pick(["oauth2", "gitlab-ci-token", "deploy"]), ":", tok, "@gitlab.com/", g.pick(ORGS), "/", g.pick(REPOS), ".git")
    if k == "npm-token":
        if g.chance(0.5):
            return F("npm config set //registry.npmjs.org/:_authToken ", g.sec("npm-token", S.npm_token(r)))
        return F("echo \"//npm.pkg.github.com/:_authToken=", g.sec("github-pat", S.github_pat(r)), "\" >> .npmrc")
    if k == "twine":
        return F("twine upload --non-interactive -u __token__ -p ", g.sec("pypi-token", S.pypi_token(r)), " dist/*")
    if k == "helm":
        return F("helm upgrade --install ", g.pick(C.SERVICES), " ./charts/app --namespace prod --set image.tag=", g.short_sha(),
                 " --set ", g.pick(["db.password", "postgresql.auth.password", "redis.auth.password", "secrets.apiKey"]), "=", pw())
    if k == "terraform":
        return F("terraform apply -auto-approve -var \"", g.pick(["db_password", "admin_password", "api_token"]), "=", pw(), "\" -var region=", g.pick(REGIONS))
    if k == "kubectl-secret":
        return F("kubectl create secret generic ", secret_name(g), " --from-literal=username=", g.pick(C.DB_USERS),
                 " --from-literal=password=", pw(), " --dry-run=client -o yaml | kubectl apply -f -")
    if k == "aws-configure":
        return F("aws configure set aws_secret_access_key ", g.sec("aws-secret-access-key", S.aws_secret_access_key(r)), " --profile ", g.pick(["ci", "prod", "deploy"]))
    if k == "sshpass":
        return F("sshpass -p ", C.shq(pw()), " ssh -o StrictHostKeyChecking=no deploy@", g.private_ip(), " 'sudo systemctl restart app'")
    if k == "redis-cli":
        return F("redis-cli -h ", g.pick(["redis", "cache01.internal", "10.0.4.12"]), " -a ", pw(), " --no-auth-warning ping")
    if k == "psql-url":
        name, frag = g.conn_url("postgresql")
        return F("psql \"", frag, "\" -c 'select 1'")
    if k == "docker-run-env":
        name, frag = g.named_secret("env")
        if "\n" in text(frag):
            name, item = g.generic("password")
            name, frag = name.upper(), F(item)
        return F("docker run --rm -e ", name, "=", C.shq(frag), " -p 5432:5432 ", g.pick(["postgres:16", "acme/migrator:latest", "mysql:8.0"]))
    if k == "az-login":
        return F("az login --service-principal -u ", g.uuid(), " -p ", g.sec("azure-ad-client-secret", S.azure_ad_client_secret(r)), " --tenant ", g.uuid())
    if k == "gh-auth":
        return F("echo ", g.sec("github-pat", S.github_pat(r)), " | gh auth login --with-token")
    if k == "vault-login":
        if g.chance(0.5):
            return F("vault login ", g.sec("vault-token", S.vault_token(r)))
        return F("vault login -method=userpass username=ci password=", pw())
    sp = g.spec(C.HEADERABLE, "ci-hdr")
    hn, scheme = g.pick(sp.headers)
    return F("curl -s -H \"", hn, ": ", scheme, g.sec(sp.type, sp.fn(r)), "\" https://", host(g), "/v1/", g.pick(["deploys", "releases", "events"]))


def ci_benign_command(g):
    k = g.deck("ci-benign", ["npm", "checkout", "pull", "stdin-login", "secret-ref", "subst", "pip", "echo-masked", "git-remote", "cache"])
    if k == "npm":
        return F("npm install --save-exact ", npm_pkg(g))
    if k == "checkout":
        return F("git checkout --progress --force ", g.sha())
    if k == "pull":
        return F("docker pull ghcr.io/", g.pick(ORGS), "/", g.pick(C.SERVICES), "@", g.digest())
    if k == "stdin-login":
        return F("echo \"$", g.pick(["DOCKER_PASSWORD", "CR_PAT", "CI_REGISTRY_PASSWORD"]), "\" | docker login -u ", g.pick(["ci-bot", "gitlab-ci-token"]), " --password-stdin ghcr.io")
    if k == "secret-ref":
        return F("export ", g.pick(["DB_PASSWORD", "NPM_TOKEN", "API_KEY", "AWS_SECRET_ACCESS_KEY"]), "=", g.placeholder())
    if k == "subst":
        return F("export DB_PASSWORD=", g.ben("placeholder", "$(cat /run/secrets/db_password)"))
    if k == "pip":
        return F("pip install ", g.pick(PY_PKGS), "==", g.version())
    if k == "echo-masked":
        return F("echo \"token=", g.ben("placeholder", "***"), "\"")
    if k == "git-remote":
        return F("git remote add upstream ", git_remote(g))
    return F("tar -czf cache-", g.sha256(), ".tgz node_modules")


def ci_log(g):
    r = g.r
    fmt = g.deck("cifmt", ["gha", "gha", "gitlab", "jenkins", "docker-build", "azure-pwsh"])
    g.variant = fmt
    clk = g.clock()
    out = []
    if fmt == "azure-pwsh":
        def line(*p):
            clk.tick(0.0001, 0.8)
            out.append(F(clk.gha(), " ", F(*p), "\n"))
        line("##[section]Starting: PowerShell")
        line("Task         : PowerShell")
        line("Version      : 2.239.1")
        line("Generating script.")
        line("========================== Starting Command Output ===========================")
        for _ in range(g.n(1, 3)):
            k = g.n(0, 3)
            if k == 0:
                name, frag = g.named_secret("env")
                if "\n" in text(frag):
                    name, item = g.generic()
                    name, frag = name.upper(), F(item)
                line("$env:", name, ' = "', frag, '"')
            elif k == 1:
                line("set ", g.pick(["DB_PASSWORD", "SA_PASSWORD", "ADMIN_PASS"]), "=", g.sec("password", S.password(r, "-_.@#")))
            elif k == 2:
                line("Connect-AzAccount -ServicePrincipal -Credential (New-Object PSCredential('", g.uuid(), "', (ConvertTo-SecureString '",
                     g.sec("azure-ad-client-secret", S.azure_ad_client_secret(r)), "' -AsPlainText -Force))) -Tenant ", g.uuid())
            else:
                line("sqlcmd -S ", g.pick(["sql01.corp.local", "acme.database.windows.net"]), " -U sa -P ", g.sec("cli-password", S.password(r, "-_.#")), " -Q \"SELECT @@VERSION\"")
        line("##[section]Finishing: PowerShell")
        out.append("\n")
        return F(out)
    if fmt == "gha":
        ts = lambda: F(clk.gha() if True else "", " ")

        def line(*p):
            clk.tick(0.0001, 0.8)
            out.append(F(clk.gha(), " ", F(*p), "\n"))
        line("##[group]Run actions/checkout@v4")
        line("with:")
        line("  repository: ", g.pick(ORGS), "/", g.pick(REPOS))
        line("  token: ", g.ben("placeholder", "***"))
        line("##[endgroup]")
        line("HEAD is now at ", g.short_sha(), " Merge pull request #", str(g.n(10, 9000)), " from ", g.pick(ORGS), "/", g.pick(["fix-auth", "deps", "release-1.4"]))
        if g.chance(0.4):
            line("Commit author: ", git_author(g))
        for _ in range(g.n(1, 3)):
            cmds = [ci_secret_command(g) if g.chance(0.55) else ci_benign_command(g) for _ in range(g.n(1, 3))]
            line("##[group]Run ", cmds[0])
            for c in cmds:
                line(c)
            line("shell: /usr/bin/bash -e {0}")
            line("env:")
            for key in g.r.sample(["NPM_TOKEN", "REGISTRY", "AWS_REGION", "NODE_ENV", "DATABASE_URL", "GH_TOKEN"], g.n(1, 3)):
                val = {"REGISTRY": "ghcr.io", "AWS_REGION": g.pick(REGIONS), "NODE_ENV": "production"}.get(key)
                line("  ", key, ": ", val or g.ben("placeholder", "***"))
            line("##[endgroup]")
            for c in cmds:
                t = text(c)
                if t.startswith("docker login"):
                    line("WARNING! Using --password via the CLI is insecure. Use --password-stdin.")
                    line("Login Succeeded")
                elif t.startswith("mysql"):
                    line("mysql: [Warning] Using a password on the command line interface can be insecure.")
                elif t.startswith("npm install"):
                    line("added ", str(g.n(10, 900)), " packages, and audited ", str(g.n(900, 1500)), " packages in ", str(g.n(2, 90)), "s")
            if g.chance(0.35):
                # set -x trace of a derived value that the runner cannot mask
                line("+ ", ci_secret_command(g))
        if g.chance(0.3):
            line("##[error]Process completed with exit code ", str(g.pick([1, 2, 128])), ".")
    elif fmt == "gitlab":
        out.append(F("Running with gitlab-runner ", g.pick(["16.8.0", "17.2.1", "16.11.2"]), " (", g.short_sha(), ")\n  on ",
                     g.pick(["docker-runner-3", "k8s-runner", "shared-runner-eu"]), " ", S.rs(g.r, S.ALNUM, 8), ", system ID: s_", S.rs(g.r, S.HEX, 12), "\n"))
        out.append(F("Preparing the \"docker\" executor\nUsing Docker executor with image ", g.pick(["node:20-alpine", "python:3.11-slim", "golang:1.22"]), " ...\n"))
        out.append(F("Using docker image sha256:", g.sha256(), " for node:20-alpine with digest node@", g.digest(), " ...\n"))
        out.append(F("Getting source from Git repository\nFetching changes with git depth set to 20...\nInitialized empty Git repository in /builds/",
                     g.pick(ORGS), "/", g.pick(REPOS), "/.git/\nCreated fresh repository.\nChecking out ", g.short_sha(), " as detached HEAD (ref is main)...\n"))
        out.append("Executing \"step_script\" stage of the job script\n")
        if g.chance(0.4):
            out.append(F("$ git log -1 --pretty='%an <%ae>'\n", git_author(g), "\n"))
        for _ in range(g.n(2, 4)):
            c = ci_secret_command(g) if g.chance(0.55) else ci_benign_command(g)
            out.append(F("$ ", c, "\n"))
            t = text(c)
            if t.startswith("mysql"):
                out.append("mysql: [Warning] Using a password on the command line interface can be insecure.\n")
            elif t.startswith("docker login"):
                out.append("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\nLogin Succeeded\n")
            elif t.startswith("git clone"):
                out.append(F("Cloning into '", g.pick(REPOS), "'...\n"))
        out.append(F(g.pick(["Cleaning up project directory and file based variables\nJob succeeded\n",
                             "Cleaning up project directory and file based variables\nERROR: Job failed: exit code 1\n"])))
    elif fmt == "jenkins":
        out.append(F("Started by user ", g.pick(["admin", "jenkins", "ci-bot"]), "\nRunning in Durability level: MAX_SURVIVABILITY\n[Pipeline] Start of Pipeline\n[Pipeline] node\nRunning on ",
                     g.pick(["agent-1", "built-in", "linux-docker"]), " in /var/jenkins_home/workspace/", g.pick(REPOS), "\n"))
        out.append(F("[Pipeline] withCredentials\nMasking supported pattern matches of $DOCKER_PASS\n[Pipeline] {\n[Pipeline] sh\n+ docker login -u ci -p ",
                     g.ben("placeholder", "****"), " ", g.pick(["harbor.acme.io", "docker.io"]), "\n"))
        for _ in range(g.n(1, 3)):
            c = ci_secret_command(g) if g.chance(0.6) else ci_benign_command(g)
            out.append(F("[Pipeline] sh\n+ ", c, "\n"))
        out.append(F("[Pipeline] }\n[Pipeline] // withCredentials\n[Pipeline] End of Pipeline\nFinished: ", g.pick(["SUCCESS", "FAILURE"]), "\n"))
    else:
        out.append(F("#0 building with \"default\" instance using docker driver\n\n#1 [internal] load build definition from Dockerfile\n#1 transferring dockerfile: ",
                     str(g.n(500, 3000)), "B done\n"))
        out.append(F("#2 [internal] load metadata for docker.io/library/", g.pick(["node:20-alpine", "python:3.11-slim"]), "\n"))
        step = 3
        for _ in range(g.n(1, 3)):
            if g.chance(0.6):
                name, frag = g.named_secret("env")
                if "\n" in text(frag):
                    name, item = g.generic()
                    name, frag = name.upper(), F(item)
                out.append(F("#", str(step), " [", str(step - 2), "/9] RUN ", g.pick(["", "--mount=type=cache,target=/root/.npm "]), name, "=", C.shq(frag),
                             " ", g.pick(["npm ci", "pip install -r requirements.txt", "./scripts/fetch-assets.sh"]), "\n"))
            else:
                out.append(F("#", str(step), " [", str(step - 2), "/9] RUN ", ci_benign_command(g), "\n"))
            out.append(F("#", str(step), " ", "%.3f" % g.r.uniform(0.1, 30), " ", g.pick(["added 812 packages in 21s", "Successfully installed requests-2.31.0", "done"]), "\n"))
            out.append(F("#", str(step), " DONE ", "%.1f" % g.r.uniform(0.1, 40), "s\n\n"))
            step += 1
        out.append(F("#", str(step), " exporting to image\n#", str(step), " writing image sha256:", g.sha256(), " done\n#", str(step),
                     " naming to ghcr.io/", g.pick(ORGS), "/", g.pick(C.SERVICES), ":", g.short_sha(), " done\n"))
    out.append("\n")
    return F(out)


# ---------------------------------------------------------------------------
# 7. HTTP dumps: raw request/response, curl -v, HTTPie, curl command lines
# ---------------------------------------------------------------------------

def _form_email(g):
    it = g.email()
    return it.with_value(it.value.replace("@", "%40").replace("+", "%2B")) if g.chance(0.5) else it


def _req_body(g):
    """(content-type, body fragment) of a request body; may carry credentials or PII."""
    r = g.r
    k = g.deck("reqbody", ["none", "none", "form-cc", "form-pw", "json-login", "json-pii", "json-plain", "graphql"])
    if k == "none":
        return None, None
    if k == "form-cc":
        return "application/x-www-form-urlencoded", F("grant_type=client_credentials&client_id=", S.rs(r, S.LOWNUM, 24), "&client_secret=",
                                                      g.sec("form-client-secret", S.rs(r, S.ALNUM + "-_~", g.pick([32, 40, 64]))),
                                                      g.pick(["", "&scope=read%3Aorders"]))
    if k == "form-pw":
        return "application/x-www-form-urlencoded", F("grant_type=password&username=", _form_email(g),
                                                      "&password=", g.sec("form-password", S.url_password(r)), "&client_id=web")
    if k == "json-login":
        return "application/json", render_obj([("email", F(g.email())), ("password", F(g.password()))], "json-compact")
    if k == "json-pii":
        return "application/json", render_obj(user_record(g, n=g.n(1, 3))[1:], "json")
    if k == "json-plain":
        return "application/json", F('{"order_id":"', g.order_id(), '","items":[{"sku":"', S.rs(r, S.UPNUM, 8), '","qty":', str(g.n(1, 5)),
                                     '}],"idempotency_key":"', g.uuid(), '"}')
    return "application/json", F('{"query":"query Viewer { viewer { login email } }","variables":{"after":"', g.cursor(), '"}}')


def _resp(g, clk):
    """(status line, headers [(name, frag)], body fragment or None)."""
    r = g.r
    k = g.deck("resp", ["token", "setcookie", "error", "pii", "plain", "plain", "setcookie"])
    hs = [("Date", F(clk.http())), ("Content-Type", F("application/json; charset=utf-8"))]
    if k == "token":
        at = g.sec("jwt", S.jwt(r)) if g.chance(0.5) else g.sec("oauth-access-token", S.opaque_token(r))
        body = F('{"access_token":"', at, '","token_type":"Bearer","expires_in":', str(g.pick([3599, 3600, 86400])),
                 ',"refresh_token":"', g.sec("oauth-refresh-token", S.rs(r, S.B64URL, g.pick([43, 64]))), '","scope":"read write"}') if g.chance(0.6) else \
            F('{"access_token":"', at, '","token_type":"bearer","expires_in":', str(g.pick([3599, 3600])), "}")
        return "200 OK", hs + [("Cache-Control", F("no-store"))], body
    if k == "setcookie":
        hs += [("Set-Cookie", g.set_cookie())]
        if g.chance(0.4):
            hs += [("Set-Cookie", F("_ga=", g.ben("analytics-cookie", "GA1.1.%d.%s" % (g.n(10**8, 10**10), S.epoch(r))), "; Max-Age=63072000; Path=/"))]
        return g.pick(["302 Found", "200 OK"]), hs + [("Location", F("/dashboard"))], None
    if k == "error":
        return g.pick(["401 Unauthorized", "403 Forbidden"]), hs + [("WWW-Authenticate", F('Bearer realm="api", error="invalid_token"')),
                                                                    ("X-Request-Id", F(g.uuid()))], F('{"error":"invalid_token","request_id":"', stripe_obj_id(g), '"}')
    if k == "pii":
        return "200 OK", hs + [("ETag", F('W/"', g.md5(), '"'))], render_obj(user_record(g), "json")
    return "200 OK", hs + [("X-Request-Id", F(g.uuid())), ("X-RateLimit-Remaining", F(str(g.n(0, 5000))))], \
        F('{"data":[],"next_cursor":"', g.cursor(), '","has_more":', g.pick(["true", "false"]), "}")


def http_dump(g):
    r = g.r
    clk = g.clock()
    fmt = g.deck("httpfmt", ["raw", "raw", "curl-v", "curl-v", "httpie", "curl-cmd"])
    g.variant = fmt
    hst = host(g)
    path = g.pick(C.PATHS)
    if g.chance(0.25):
        u = g.query_url(hst)
        path = _path_of(u)
    method = g.pick(["GET", "POST", "POST", "PUT"])
    ctype, body = _req_body(g)
    if body is not None and method == "GET":
        method = "POST"
    hs = g.header_set(n_secret=g.pick([1, 1, 1, 2]), n_benign=g.n(1, 3))
    hs = [h for h in hs if h[0] not in ("Content-Type", "Content-Length") and not (fmt == "curl-v" and h[0] in ("User-Agent", "Accept"))]
    if ctype:
        hs.append(("Content-Type", F(ctype)))
        hs.append(("Content-Length", F(str(len(text(body).encode())))))
    status, rhs, rbody = _resp(g, clk)
    out = []
    if fmt in ("raw", "httpie"):
        if fmt == "httpie":
            out.append(F("$ http -v ", method, " https://", hst, path, "\n"))
        out.append(F(method, " ", path, " HTTP/1.1\n", "Host: ", hst, "\n"))
        out += g.render_headers(hs, "raw")
        out.append("\n")
        if body is not None:
            out.append(F(body, "\n"))
        out.append(F("\n" if body is not None else "", "HTTP/1.1 ", status, "\n"))
        out += g.render_headers(rhs, "raw")
        out.append("\n")
        if rbody is not None:
            out.append(F(rbody, "\n"))
    elif fmt == "curl-v":
        ip = g.private_ip() if g.chance(0.3) else "%d.%d.%d.%d" % (g.n(3, 200), g.n(0, 255), g.n(0, 255), g.n(1, 254))
        h2 = g.chance(0.5)
        out.append(F("*   Trying ", ip, ":443...\n* Connected to ", hst, " (", ip, ") port 443\n* ALPN: curl offers h2,http/1.1\n",
                     "* TLSv1.3 (OUT), TLS handshake, Client hello (1):\n* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384 / X25519 / RSASSA-PSS\n",
                     "* Server certificate:\n*  subject: CN=", hst, "\n*  start date: ", clk.http(), "\n*  issuer: C=US; O=Let's Encrypt; CN=R3\n",
                     "*  SSL certificate verify ok.\n"))
        if h2:
            out.append(F("* using HTTP/2\n* [HTTP/2] [1] OPENED stream for https://", hst, path, "\n"))
            for h, v in hs:
                out.append(F("* [HTTP/2] [1] [", h.lower(), ": ", v, "]\n"))
        out.append(F("> ", method, " ", path, " ", "HTTP/2" if h2 else "HTTP/1.1", "\n> Host: ", hst, "\n> User-Agent: curl/8.5.0\n> Accept: */*\n"))
        out += g.render_headers([(h.lower() if h2 else h, v) for h, v in hs], "curl-v-req")
        out.append(">\n")
        if body is not None:
            out.append(F("} [", str(len(text(body))), " bytes data]\n"))
        out.append(F("< ", "HTTP/2 " + status.split(" ")[0] if h2 else "HTTP/1.1 " + status, "\n"))
        out += g.render_headers([(h.lower() if h2 else h, v) for h, v in rhs], "curl-v-resp")
        out.append("<\n")
        if rbody is not None:
            out.append(F(rbody, "\n"))
        out.append(F("* Connection #0 to host ", hst, " left intact\n"))
    else:
        q = g.pick(["'", '"'])
        parts = [F("curl -sS -X ", method, " ", q, "https://", hst, path, q)]
        for h, v in hs:
            if h in ("Content-Length",):
                continue
            parts.append(F("-H ", q, h, ": ", v, q))
        if body is not None:
            parts.append(F("--data ", "'", body, "'"))
        out.append(F("$ ", join(" \\\n  ", parts), "\n"))
        if rbody is not None:
            out.append(F(rbody, "\n"))
    out.append("\n")
    return F(out)


# ---------------------------------------------------------------------------
# 8. Python reprs: requests/httpx/aiohttp headers, http.client debug, environ, settings
# ---------------------------------------------------------------------------

def python_repr(g):
    r = g.r
    clk = g.clock()
    k = g.deck("pyrepr", ["requests-headers", "httpx", "aiohttp", "http-client", "environ", "pydantic", "vars-request", "asgi", "print-debug",
                          "smtplib", "redis-monitor"])
    g.variant = k
    out = []
    if k == "smtplib":
        user = text(g.email())
        blob = g.sec("smtp-auth-plain", S.b64(("\0%s\0%s" % (user, S.password(r))).encode()))
        out.append(F("send: 'ehlo [", g.private_ip(), "]\\r\\n'\nreply: b'250-smtp.sendgrid.net\\r\\n'\nreply: b'250-AUTH PLAIN LOGIN\\r\\n'\n"))
        out.append(F("send: 'AUTH PLAIN ", blob, "\\r\\n'\nreply: b'535 Authentication failed: Bad username / password\\r\\n'\n"))
        out.append(F("send: 'mail FROM:<", g.email(), "> size=", str(g.n(500, 90000)), "\\r\\n'\n"))
        out.append("\n")
        return F(out)
    if k == "redis-monitor":
        out.append(F("$ redis-cli MONITOR\nOK\n", clk.epoch_f(), ' [0 ', g.private_ip(), ':', str(g.n(30000, 65000)), '] "AUTH" "',
                     g.sec("password", S.password(r, "-_.")), '"\n'))
        out.append(F(clk.epoch_f(), ' [0 ', g.private_ip(), ':', str(g.n(30000, 65000)), '] "GET" "cache:product:', g.uuid(), '"\n'))
        out.append(F(clk.epoch_f(), ' [0 ', g.private_ip(), ':', str(g.n(30000, 65000)), '] "SET" "ratelimit:', g.email(), '" "', str(g.n(1, 99)), '" "EX" "60"\n'))
        out.append("\n")
        return F(out)
    out = []
    lg = g.pick(C.LOGGERS)
    if k == "requests-headers":
        hs = g.header_set(n_secret=1)
        out.append(F(">>> resp = session.get(url, headers=headers, timeout=10)\n>>> resp.status_code\n", g.pick(["401", "403"]), "\n"))
        out.append(F(">>> resp.request.headers\n", g.render_headers(hs, g.pick(["py-cidict", "py-dict"])), "\n"))
        out.append(F(">>> resp.headers['x-request-id']\n'", g.uuid(), "'\n"))
    elif k == "httpx":
        hs = g.header_set(n_secret=1)
        out.append(F(clk.py(), " DEBUG [httpx] HTTP Request: ", g.pick(["GET", "POST"]), " https://", host(g), g.pick(C.PATHS), " \"HTTP/1.1 401 Unauthorized\"\n"))
        out.append(F(clk.py(), " DEBUG [", lg, "] request headers: ", g.render_headers(hs, "httpx"), "\n"))
    elif k == "aiohttp":
        hs = g.header_set(n_secret=1)
        out.append(F(clk.py(), " ERROR [", lg, "] ClientResponseError: 401, message='Unauthorized', url=URL('https://", host(g), g.pick(C.PATHS).split("?")[0], "')\n"))
        out.append(F("request_info=RequestInfo(url=URL('https://", host(g), "/v1/events'), method='POST', headers=", g.render_headers(hs, "aiohttp"),
                     ", real_url=URL('https://", host(g), "/v1/events'))\n"))
    elif k == "http-client":
        hs = g.header_set(n_secret=1, n_benign=g.n(1, 3))
        path = g.pick(C.PATHS)
        req = F("GET ", path, " HTTP/1.1\\r\\nHost: ", host(g), "\\r\\n", [F(h, ": ", v, "\\r\\n") for h, v in hs], "\\r\\n")
        out.append(F("send: b'", req, "'\n"))
        out.append(F("reply: 'HTTP/1.1 ", g.pick(["200 OK", "401 Unauthorized"]), "\\r\\n'\n"))
        out.append(F("header: Date: ", clk.http(), "\nheader: Content-Type: application/json\n"))
        if g.chance(0.5):
            out.append(F("header: Set-Cookie: ", g.set_cookie(), "\n"))
        out.append(F("header: X-Request-Id: ", g.uuid(), "\n"))
        out.append(F("DEBUG:urllib3.connectionpool:https://", host(g), ":443 \"GET ", _path_of(g.query_url()) if g.chance(0.5) else F(path), " HTTP/1.1\" 401 ", str(g.n(20, 900)), "\n"))
    elif k == "environ":
        pairs = [("PATH", F("/usr/local/bin:/usr/bin:/bin")), ("HOSTNAME", F(pod(g))), ("LANG", F("C.UTF-8")),
                 ("PYTHON_VERSION", F("3.11.8"))]
        for _ in range(g.n(1, 3)):
            name, frag = g.named_secret("env")
            pairs.append((name, frag))
        for _ in range(g.n(1, 3)):
            k2 = g.deck("env-benign", ["ph", "sha", "ver", "tok", "ip"])
            if k2 == "ph":
                pairs.append((g.pick(["DB_PASSWORD", "API_KEY", "SECRET_KEY"]), F(g.placeholder())))
            elif k2 == "sha":
                pairs.append(("GIT_SHA", F(g.sha())))
            elif k2 == "ver":
                pairs.append(("APP_VERSION", F(g.version())))
            elif k2 == "tok":
                pairs.append(("MAX_TOKENS", F(token_count(g))))
            else:
                pairs.append(("KUBERNETES_SERVICE_HOST", F(g.private_ip())))
        r.shuffle(pairs)
        out.append(F(">>> os.environ\nenviron({", join(", ", [F(pystr(k3), ": ", pystr(v)) for k3, v in pairs]), "})\n"))
    elif k == "pydantic":
        fields = []
        for _ in range(g.n(1, 2)):
            name, frag = g.named_secret("snake")
            fields.append(F(name.lower(), "=", pystr(frag)))
        fields.append(F(g.pick(["stripe_api_key", "jwt_secret", "db_password"]), "=SecretStr('", g.ben("placeholder", "**********"), "')"))
        fields.append(F("debug=False"))
        fields.append(F("max_tokens=", token_count(g)))
        fields.append(F("allowed_hosts=['", host(g), "']"))
        r.shuffle(fields)
        out.append(F(clk.py(), " INFO [", lg, "] loaded settings: Settings(", join(", ", fields), ")\n"))
    elif k == "vars-request":
        hs = g.header_set(n_secret=1, n_benign=g.n(1, 2))
        auth = F(", 'auth': (", pystr(g.pick(C.USERS)), ", ", pystr(g.password()), ")") if g.chance(0.4) else F(", 'auth': None")
        out.append(F("{'method': 'POST', 'url': ", pystr(g.query_url() if g.chance(0.4) else F("https://", host(g), "/v1/events")), ", 'headers': ",
                     g.render_headers(hs, "py-dict"), ", 'files': [], 'data': ", pystr(F('{"email": "', g.email(), '"}')), ", 'json': None, 'params': {}",
                     auth, ", 'cookies': None, 'hooks': {'response': []}}\n"))
    elif k == "asgi":
        hs = g.header_set(n_secret=1, n_benign=g.n(1, 3))
        out.append(F(clk.py(), " ERROR [uvicorn.error] Exception in ASGI application\n"))
        out.append(F("scope = {'type': 'http', 'asgi': {'version': '3.0', 'spec_version': '2.4'}, 'http_version': '1.1', 'server': ('",
                     g.private_ip(), "', 8000), 'client': ('", g.private_ip(), "', ", str(g.n(30000, 65000)), "), 'scheme': 'http', 'method': 'POST', 'root_path': '', 'path': '",
                     g.pick(C.PATHS).split("?")[0], "', 'raw_path': b'/', 'query_string': b'', 'headers': [",
                     join(", ", [F("(", C.pybytes(h.lower()), ", ", C.pybytes(v), ")") for h, v in hs]), "]}\n"))
    else:
        name, item = g.generic()
        out.append(F("DEBUG ", name.lower(), "=", pystr(item), " user=", pystr(g.email()), " request_id=", pystr(g.uuid()), "\n"))
        out.append(F("DEBUG payload=", render_obj(user_record(g, n=g.n(1, 3)), "py"), "\n"))
    out.append("\n")
    return F(out)


# ---------------------------------------------------------------------------
# 9. Node util.inspect dumps: req.headers, rawHeaders, process.env, Headers, cookies
# ---------------------------------------------------------------------------

def node_inspect(g):
    r = g.r
    k = g.deck("nodeinspect", ["headers", "rawheaders", "env", "fetch", "cookies", "options", "headers"])
    g.variant = k
    out = []
    clk = g.clock()
    if k == "headers":
        hs = g.header_set(n_secret=1, n_benign=g.n(1, 4))
        out.append(F(g.pick(["console.log(req.headers)\n", "[", clk.iso(), "] DEBUG incoming headers ", "> req.headers\n"]),
                     g.render_headers([("host", F(host(g)))] + hs, "js-inspect"), "\n"))
    elif k == "rawheaders":
        hs = g.header_set(n_secret=1, n_benign=g.n(1, 3))
        out.append(F("rawHeaders: ", g.render_headers([("Host", F(host(g)))] + hs, "node-raw"), ",\n"))
    elif k == "env":
        pairs = [("NODE_ENV", F("production")), ("PORT", F("3000")), ("HOSTNAME", F(pod(g)))]
        for _ in range(g.n(1, 3)):
            name, frag = g.named_secret("env")
            pairs.append((name, frag))
        pairs.append((g.pick(["SESSION_SECRET", "JWT_SECRET", "DATABASE_URL"]), F(g.placeholder())))
        if g.chance(0.5):
            pairs.append(("npm_package_version", F(g.version())))
        r.shuffle(pairs)
        out.append(F("> process.env\n", render_obj(pairs, "js-multi"), "\n"))
    elif k == "fetch":
        hs = g.header_set(n_secret=1, n_benign=g.n(1, 2))
        rows = join(",\n", [F("    ", jsstr(h.lower()), " => { name: ", jsstr(h), ", value: ", jsstr(v), " }") for h, v in hs])
        out.append(F("Request {\n  method: 'POST',\n  url: ", jsstr(F("https://", host(g), g.pick(C.PATHS))), ",\n  headers: HeadersList {\n",
                     "    cookies: null,\n    [Symbol(headers map)]: Map(", str(len(hs)), ") {\n", rows, "\n    },\n    [Symbol(headers map sorted)]: null\n  },\n",
                     "  destination: '',\n  referrer: 'about:client',\n  redirect: 'follow',\n  signal: AbortSignal { aborted: false }\n}\n"))
    elif k == "cookies":
        name = g.pick(S.SESSION_COOKIES)
        extra = F(",\n  _ga: '", g.ben("analytics-cookie", "GA1.1.%d.%s" % (g.n(10**8, 10**10), S.epoch(r))), "'") if g.chance(0.5) else F()
        out.append(F("req.cookies: {\n  ", C.js_key(name), ": ", jsstr(g.sec("cookie", S.session_cookie(r, name))), extra, "\n}\n"))
        out.append(F("req.session: Session {\n  cookie: { path: '/', _expires: ", clk.iso(), ", originalMaxAge: 86400000, httpOnly: true },\n  userId: ",
                     jsstr(g.uuid()), ",\n  email: ", jsstr(g.email()), "\n}\n"))
    else:
        hs = g.header_set(n_secret=1, n_benign=g.n(1, 2))
        out.append(F("[", clk.iso(), "] request options {\n  hostname: ", jsstr(host(g)), ",\n  port: 443,\n  path: ",
                     jsstr(_path_of(g.query_url()) if g.chance(0.4) else F(g.pick(C.PATHS))), ",\n  method: 'GET',\n  headers: ",
                     g.render_headers(hs, "js-inspect", "  "), ",\n  timeout: 5000\n}\n"))
    out.append("\n")
    return F(out)


# ---------------------------------------------------------------------------
# 10. JSON header arrays and maps: HAR, API Gateway events, Envoy, Postman, Go maps
# ---------------------------------------------------------------------------

def json_headers(g):
    r = g.r
    clk = g.clock()
    k = g.deck("jsonhdr", ["har", "apigw", "pairs", "envoy", "postman", "go-map", "go-header", "ruby", "json-obj"])
    g.variant = k
    hs = g.header_set(n_secret=1, n_benign=g.n(1, 4))
    out = []
    if k == "har":
        out.append(F('{"startedDateTime": "', iso(g, clk), '", "time": ', str(g.n(10, 900)), ', "request": {"method": "GET", "url": ',
                     jstr(g.query_url() if g.chance(0.3) else F("https://", host(g), g.pick(C.PATHS))), ', "httpVersion": "HTTP/2", "headers": ',
                     g.render_headers(hs, "har"), ', "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0}, "response": {"status": ',
                     str(g.pick([200, 401, 403])), ', "headers": [{"name": "x-request-id", "value": "', g.uuid(), '"}]}}\n'))
    elif k == "apigw":
        obj = g.render_headers(hs, "json-obj")
        multi = F("{", join(",", [F(jstr(h), ":[", jstr(v), "]") for h, v in hs]), "}")
        out.append(F('{"resource":"/{proxy+}","path":', jstr(g.pick(C.PATHS).split("?")[0]), ',"httpMethod":"POST","headers":', obj,
                     ',"multiValueHeaders":', multi, ',"requestContext":{"accountId":"', str(g.n(10**11, 10**12 - 1)), '","requestId":"', g.uuid(),
                     '","identity":{"sourceIp":"', g.private_ip(), '"},"requestTimeEpoch":', g.epoch_ms(clk), '},"isBase64Encoded":false}\n'))
        out[-1] = set_ctx_all(out[-1], "apigw")
    elif k == "pairs":
        out.append(F('{"ts":"', iso(g, clk), '","event":"proxy.request","upstream":"', host(g), '","headers":', g.render_headers(hs, "json-pairs"), "}\n"))
    elif k == "envoy":
        auth = [v for h, v in hs if h.lower() in ("authorization", "cookie", "x-api-key", "proxy-authorization")]
        out.append(F('{"start_time":"', clk.iso(3), '","method":"GET","path":', jstr(g.pick(C.PATHS)), ',"protocol":"HTTP/1.1","response_code":',
                     str(g.pick([200, 401])), ',"bytes_sent":', str(g.n(0, 9000)), ',"duration":', str(g.n(1, 900)), ',"x_forwarded_for":"', g.private_ip(),
                     '","request_id":"', g.uuid(), '","authority":"', host(g), '","upstream_host":"', g.private_ip(), ':8080"',
                     ',"headers":', g.render_headers(hs, "json-obj"), "}\n"))
    elif k == "postman":
        it = hs[0][1]
        out.append(F('{\n  "info": {"_postman_id": "', g.uuid(), '", "name": "', g.pick(C.SERVICES), ' API", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},\n',
                     '  "item": [{"name": "List orders", "request": {"method": "GET", "header": ', g.render_headers(hs, "har"),
                     ', "url": {"raw": "{{baseUrl}}/v1/orders"}}}],\n'))
        if g.chance(0.6):
            tok = g.sec("bearer-header", S.opaque_token(r)) if g.chance(0.5) else g.provider(C.PREFIXED, "postman")[1]
            out.append(F('  "auth": {"type": "bearer", "bearer": [{"key": "token", "value": ', jstr(tok), ', "type": "string"}]},\n'))
        out.append(F('  "variable": [{"key": "baseUrl", "value": "https://', host(g), '"}, {"key": "max_tokens", "value": "', token_count(g), '"}]\n}\n'))
    elif k == "go-map":
        out.append(F(clk.plain(" ", 0)[:19].replace("-", "/"), " request headers: ", g.render_headers(hs, "go-map"), "\n"))
    elif k == "go-header":
        out.append(F("(*http.Request)(0xc000", S.rs(r, S.HEX, 6), ")({Method: \"POST\", URL: \"https://", host(g), "/v1/events\", Header: ",
                     g.render_headers(hs, "go-header"), "})\n"))
    elif k == "ruby":
        out.append(F("D, [", clk.iso(6, ""), " #", str(g.n(1, 9999)), "] DEBUG -- : request headers: ", g.render_headers(hs, "ruby"), "\n"))
    else:
        out.append(F('{"level":"debug","msg":"forwarding","headers":', g.render_headers(hs, "json-obj"), ',"trace_id":"', g.trace(), '"}\n'))
    out.append("\n")
    return F(out)


def set_ctx_all(frag, ctx):
    for p in F(frag):
        if isinstance(p, Item):
            p.ctx = p.ctx or ctx
    return frag


# ---------------------------------------------------------------------------
# 11. OpenTelemetry attribute dumps: collector debug exporter, OTLP JSON, Jaeger, key=value
# ---------------------------------------------------------------------------

def _otel_attrs(g):
    """(attribute name, fragment) pairs for one span."""
    r = g.r
    attrs = [("http.request.method", F(g.pick(["GET", "POST"]))), ("server.address", F(host(g))),
             ("http.response.status_code", F(str(g.pick([200, 401, 403, 500]))))]
    k = g.deck("otel-attr", ["hdr", "hdr", "db", "url", "db-stmt", "enduser", "hdr-cookie", "messaging"])
    if k in ("hdr", "hdr-cookie"):
        if k == "hdr-cookie":
            attrs.append(("http.request.header.cookie", g.cookie_value()))
        else:
            hn, hv = g.auth_header()
            attrs.append(("http.request.header." + hn.lower(), hv))
        attrs.append(("http.request.header.x-request-id", F(g.uuid())))
    elif k == "db":
        if g.chance(0.5):
            name, frag = g.conn_url(g.pick(["postgresql", "mysql", "mongodb", "redis"]))
        else:
            frag = g.odbc() if g.chance(0.5) else g.jdbc()
        attrs = [("db.system", F(g.pick(["postgresql", "mysql", "mssql", "mongodb"]))), ("db.connection_string", frag),
                 ("db.user", F(g.pick(C.DB_USERS))), ("net.peer.name", F(g.pick(C.DB_HOSTS)))]
    elif k == "url":
        attrs.append(("url.full", g.query_url() if g.chance(0.6) else g.sas_url() if g.chance(0.5) else g.presigned_s3()))
    elif k == "db-stmt":
        attrs = [("db.system", F("postgresql")), ("db.statement", F("UPDATE users SET phone = '", g.phone(), "' WHERE email = '", g.email(), "'")),
                 ("db.name", F(g.pick(C.DB_NAMES)))]
        if g.chance(0.4):
            attrs.append(("db.statement.params", F("['", g.card(), "', '", g.order_id(), "']")))
    elif k == "enduser":
        attrs.append(("enduser.id", F(g.email())))
        attrs.append(("gen_ai.usage.input_tokens", F(token_count(g, g.n(10, 9000)))))
        attrs.append(("gen_ai.request.max_tokens", F(token_count(g))))
    else:
        attrs = [("messaging.system", F("kafka")), ("messaging.destination.name", F(g.pick(["orders.v1", "payments"]))),
                 ("messaging.message.id", F(g.uuid())), ("messaging.kafka.message.key", F(g.nine()))]
    if g.chance(0.4):
        attrs.append(("service.version", F(g.version())))
    if g.chance(0.3):
        attrs.append(("vcs.revision", F(g.sha())))
    return attrs


def otel(g):
    clk = g.clock()
    svc = g.pick(C.SERVICES)
    fmt = g.deck("otelfmt", ["debug", "debug", "otlp-json", "jaeger", "kv", "zipkin"])
    g.variant = "otel-" + fmt
    out = []
    nspan = g.n(1, 3)
    tid = g.trace()
    if fmt == "debug":
        out.append(F(clk.iso(3), "\tinfo\tTracesExporter\t{\"kind\": \"exporter\", \"data_type\": \"traces\", \"name\": \"debug\", \"resource spans\": 1, \"spans\": ", str(nspan), "}\n"))
        out.append(F("ResourceSpans #0\nResource SchemaURL: https://opentelemetry.io/schemas/1.24.0\nResource attributes:\n     -> service.name: Str(", svc,
                     ")\n     -> k8s.pod.name: Str(", pod(g, svc), ")\n     -> host.ip: Str(", g.private_ip(), ")\n"))
        out.append("ScopeSpans #0\nScopeSpans SchemaURL: \nInstrumentationScope opentelemetry.instrumentation.requests 0.45b0\n")
        for i in range(nspan):
            out.append(F("Span #", str(i), "\n    Trace ID       : ", tid, "\n    Parent ID      : ", g.span(), "\n    ID             : ", g.span(),
                         "\n    Name           : ", g.pick(["GET", "POST /v1/charges", "SELECT orders", "connect"]), "\n    Kind           : Client\n",
                         "    Start time     : ", clk.plain(" ", 6), "000 +0000 UTC\n    Status code    : ", g.pick(["Unset", "Error"]), "\nAttributes:\n"))
            for k, v in _otel_attrs(g):
                wrap = "Slice([\"%s\"])" if k.startswith("http.request.header.") and g.chance(0.5) else "Str(%s)"
                pre, post = wrap.split("%s")
                if text(v).isdigit():
                    pre, post = "Int(", ")"
                out.append(F("     -> ", k, ": ", pre, set_ctx_all(F(v), "otel-debug"), post, "\n"))
    elif fmt == "otlp-json":
        spans = []
        for i in range(nspan):
            attrs = join(",", [F('{"key":"', k, '","value":{"', "intValue" if text(v).isdigit() else "stringValue", '":', jstr(v), "}}")
                               for k, v in _otel_attrs(g)])
            spans.append(F('{"traceId":"', tid, '","spanId":"', g.span(), '","name":"', g.pick(["HTTP GET", "db.query", "POST"]),
                           '","kind":3,"startTimeUnixNano":"', clk.epoch(), str(g.n(10**8, 10**9 - 1)), '","attributes":[', attrs, "]}"))
        out.append(F('{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"', svc,
                     '"}}]},"scopeSpans":[{"scope":{"name":"@opentelemetry/instrumentation-http"},"spans":[', join(",", spans), "]}]}]}\n"))
    elif fmt == "jaeger":
        for i in range(nspan):
            tags = join(", ", [F('{"key": "', k, '", "type": "string", "value": ', jstr(v), "}") for k, v in _otel_attrs(g)])
            out.append(F('{"traceID": "', tid, '", "spanID": "', g.span(), '", "operationName": "', g.pick(["HTTP POST", "pg.query"]),
                         '", "startTime": ', str(int(clk.t * 1e6)), ', "duration": ', str(g.n(100, 900000)), ', "tags": [', tags, '], "processID": "p1"}\n'))
    elif fmt == "zipkin":
        for i in range(nspan):
            tags = join(",", [F(jstr(k), ":", jstr(v)) for k, v in _otel_attrs(g)])
            out.append(F('[{"traceId":"', tid, '","id":"', g.span(), '","kind":"CLIENT","name":"', g.pick(["get", "post"]), '","timestamp":',
                         str(int(clk.t * 1e6)), ',"localEndpoint":{"serviceName":"', svc, '"},"tags":{', tags, "}}]\n"))
    else:
        for i in range(nspan):
            out.append(F(clk.iso(), " span name=", g.pick(["HTTP GET", "db.query", "POST"]), " trace_id=", tid, " span_id=", g.span(), " "))
            out.append(join(" ", [F(k, "=", jstr(v)) for k, v in _otel_attrs(g)]))
            out.append("\n")
    out.append("\n")
    return F(out)


# ---------------------------------------------------------------------------
# 12. Agent / LLM traces (JSONL): tool calls reading .env, shell output, pasted curl
# ---------------------------------------------------------------------------

def _env_file(g, n_secret=None, n_benign=None):
    return mixed_assignments(g, "env", n_secret if n_secret is not None else g.n(1, 3), n_benign if n_benign is not None else g.n(1, 3))


def _tool_output(g):
    """(command or tool input, output fragment)."""
    r = g.r
    k = g.deck("toolout", ["cat-env", "env-grep", "aws-creds", "git-log", "curl", "docker-inspect", "psql", "kubectl-secret", "ls", "npmrc",
                           "gh-content", "git-cred"])
    (tool, inp), result = _tool_output_raw(g, k, r)
    for v in inp.values():
        set_ctx_all(v, "tool-input:" + k)
    return (tool, inp), set_ctx_all(result, "tool:" + k)


def _tool_output_raw(g, k, r):
    if k == "cat-env":
        return ("read_file", {"path": g.pick([".env", ".env.local", "config/.env.production", "backend/.env"])}), _env_file(g)
    if k == "env-grep":
        lines = mixed_assignments(g, "env", g.n(1, 2), g.n(0, 2))
        return ("bash", {"command": "env | grep -iE 'key|token|secret|pass'"}), lines
    if k == "aws-creds":
        prof = g.pick(["default", "prod", "ci"])
        out = F("[", prof, "]\naws_access_key_id = ", g.sec("aws-access-key-id", S.aws_access_key_id(r)), "\naws_secret_access_key = ",
                g.sec("aws-secret-access-key", S.aws_secret_access_key(r)), "\n", F("aws_session_token = ", g.sec("aws-session-token", S.aws_session_token(r)), "\n") if g.chance(0.3) else F(),
                "region = ", g.pick(REGIONS), "\n")
        return ("bash", {"command": "cat ~/.aws/credentials"}), out
    if k == "git-log":
        out = []
        for _ in range(g.n(2, 3)):
            out.append(F("commit ", g.sha(), "\nAuthor: ", git_author(g), "\nDate:   ", g.clock().http(), "\n\n    ",
                         g.pick(["fix: retry on 429", "chore(deps): bump ", "feat: add payout export", "Revert \"add debug logging\""]),
                         npm_pkg(g) if g.chance(0.2) else "", "\n\n"))
        return ("bash", {"command": "git log -n 3"}), F(out)
    if k == "curl":
        hn, hv = g.auth_header()
        cmd = F("curl -s -H '", hn, ": ", hv, "' https://", host(g), "/v1/me")
        return ("bash", {"command": cmd}), F('{"id":"', g.uuid(), '","email":"', g.email(), '","plan":"team"}')
    if k == "docker-inspect":
        envs = [F(jstr(C.text(F("PATH=/usr/local/sbin:/usr/local/bin"))))]
        for _ in range(g.n(1, 2)):
            name, frag = g.named_secret("env")
            envs.append(jstr(F(name, "=", frag)))
        envs.append(jstr(F("GIT_SHA=", g.sha())))
        return ("bash", {"command": "docker inspect --format '{{json .Config.Env}}' " + g.pick(C.SERVICES)}), F("[", join(",", envs), "]")
    if k == "psql":
        rows = [F(" ", g.nine(), " | ", g.email(), " | ", g.phone(), "\n") for _ in range(g.n(1, 3))]
        return ("bash", {"command": "psql $DATABASE_URL -c 'select id, email, phone from users limit 3'"}), F("    id     |  email  |  phone\n-----------+---------+--------\n", rows)
    if k == "kubectl-secret":
        val = g.sec("k8s-secret-data", S.b64(S.password(r).encode()))
        return ("bash", {"command": "kubectl get secret " + g.pick(SECRET_NAMES) + " -o jsonpath='{.data.password}'"}), F(val)
    if k == "npmrc":
        return ("read_file", {"path": "~/.npmrc"}), F("//registry.npmjs.org/:_authToken=", g.sec("npm-token", S.npm_token(r)), "\nregistry=https://registry.npmjs.org/\n")
    if k == "gh-content":
        return ("bash", {"command": "gh api repos/%s/%s/contents/README.md" % (g.pick(ORGS), g.pick(REPOS))}), \
            F('{"name":"README.md","sha":"', g.sha(), '","size":', str(g.n(100, 4000)), ',"encoding":"base64","content":"',
              g.ben("base64-payload", S.base64_payload(r)), '"}')
    if k == "git-cred":
        return ("bash", {"command": "printf 'protocol=https\\nhost=github.com\\n' | git credential fill"}), \
            F("protocol=https\nhost=github.com\nusername=", g.pick(C.USERS), "\npassword=", g.sec("github-pat", S.github_pat(r)) if g.chance(0.6) else g.sec("password", S.password(r)), "\n")
    return ("bash", {"command": "ls -la"}), F("total 48\ndrwxr-xr-x  8 app app 4096 .\n-rw-r--r--  1 app app  312 .env\n-rw-r--r--  1 app app 1184 package.json\n")


def _tool_input_json(inp):
    return join(",", [F(jstr(k), ":", jstr(v)) for k, v in inp.items()])


def agent_trace(g):
    r = g.r
    fmt = g.deck("agentfmt", ["claude", "openai", "generic"])
    g.variant = fmt
    clk = g.clock()
    sess = g.uuid()
    out = []
    turns = g.n(1, 3)
    pk = g.r.random()
    if pk < 0.2:
        # credentials in plain prose: no header, no key=value
        r = g.r
        k = g.deck("prose", ["pw", "pw", "token", "provider", "conn"])
        if k == "pw":
            prompt = F(g.pick(["the staging db password is ", "I can log in as admin with ", "prod mysql root pw: ", "rabbit creds are guest / "]),
                       g.sec("prose-password", S.password(r)), g.pick([" but the app can't connect", " - why does psql say auth failed?", "", ". rotate it after"]))
        elif k == "token":
            prompt = F(g.pick(["use this token for the demo: ", "here is the session token from devtools ", "my bearer token is "]),
                       g.sec("prose-token", S.opaque_token(r)), g.pick(["", " (expires tomorrow)", ", it returns 403"]))
        elif k == "provider":
            sp, it = g.provider(C.PREFIXED, "prose")
            prompt = F(g.pick(["here's my key ", "I set the key to ", "it fails even with "]), it, g.pick(["", " in the env", ", what's wrong?"]))
        else:
            name, frag = g.conn_url()
            prompt = F("connecting with ", frag, " times out from the pod")
    elif pk < 0.45:
        # the user pastes something sensitive into the prompt
        hn, hv = g.auth_header()
        prompt = F("this curl fails with 401, why?\n\ncurl -X POST https://", host(g), "/v1/orders -H '", hn, ": ", hv, "' -d '{\"email\":\"", g.email(), "\"}'")
    else:
        prompt = F(g.pick(["why does the deploy fail?", "fix the failing test in billing", "find where we configure the db", "the webhook returns 500, look at the logs"]))
    set_ctx_all(prompt, "prompt")
    if fmt == "claude":
        out.append(F('{"type":"user","sessionId":"', sess, '","timestamp":"', iso(g, clk), '","message":{"role":"user","content":', jstr(prompt), "}}\n"))
    elif fmt == "openai":
        out.append(F('{"role":"user","content":', jstr(prompt), "}\n"))
    else:
        out.append(F('{"ts":', g.epoch_ms(clk), ',"event":"user_message","text":', jstr(prompt), "}\n"))
    for _ in range(turns):
        clk.tick(1, 20)
        (tool, inp), result = _tool_output(g)
        cid = llm_call_id(g)
        if fmt == "claude":
            out.append(F('{"type":"assistant","sessionId":"', sess, '","message":{"id":"', llm_call_id(g), '","model":"', g.pick(MODELS[2:4]),
                         '","content":[{"type":"tool_use","id":"', cid, '","name":"', "Bash" if tool == "bash" else "Read", '","input":{',
                         _tool_input_json(inp), '}}],"usage":{"input_tokens":', token_count(g, g.n(100, 90000)), ',"output_tokens":', token_count(g, g.n(5, 900)), "}}}\n"))
            out.append(F('{"type":"user","sessionId":"', sess, '","message":{"role":"user","content":[{"tool_use_id":"', cid,
                         '","type":"tool_result","content":', jstr(result), "}]}}\n"))
        elif fmt == "openai":
            args = F("{", _tool_input_json(inp), "}")
            out.append(F('{"role":"assistant","content":null,"tool_calls":[{"id":"', cid, '","type":"function","function":{"name":"', tool,
                         '","arguments":', jstr(args), "}}]}\n"))
            out.append(F('{"role":"tool","tool_call_id":"', cid, '","content":', jstr(result), "}\n"))
        else:
            out.append(F('{"ts":', clk.epoch_ms(), ',"event":"tool_call","tool":"', tool, '","input":{', _tool_input_json(inp), '},"call_id":"', cid, '"}\n'))
            out.append(F('{"ts":', clk.epoch_ms(), ',"event":"tool_result","call_id":"', cid, '","exit_code":0,"stdout":', jstr(result),
                         ',"duration_ms":', str(g.n(5, 4000)), "}\n"))
    reply = F(g.pick(["The DATABASE_URL in .env points at the wrong host.", "The token is expired; rotate it in the dashboard.",
                      "I updated the retry logic and the test passes now."]))
    if fmt == "openai":
        out.append(F('{"role":"assistant","content":', jstr(reply), '}\n{"usage":{"prompt_tokens":', token_count(g, g.n(500, 90000)),
                     ',"completion_tokens":', token_count(g, g.n(10, 2000)), ',"total_tokens":', str(g.n(600, 95000)), '},"max_tokens":', token_count(g), "}\n"))
    elif fmt == "claude":
        out.append(F('{"type":"assistant","sessionId":"', sess, '","message":{"content":[{"type":"text","text":', jstr(reply), "}]}}\n"))
    else:
        out.append(F('{"ts":', clk.epoch_ms(), ',"event":"assistant_message","text":', jstr(reply), ',"tokens":', token_count(g, g.n(10, 3000)), "}\n"))
    out.append("\n")
    return F(out)


# ---------------------------------------------------------------------------
# 13. Config dumps: .env, YAML, TOML, INI, .npmrc, docker config, .netrc, kubeconfig, SA JSON
# ---------------------------------------------------------------------------

def gcp_sa_json(g, compact=False):
    r = g.r
    proj = "%s-%s-%d" % (g.pick(ORGS), g.pick(["prod", "staging", "data"]), g.n(100000, 999999))
    sa = g.pick(["deployer", "ci-runner", "bigquery-export", "terraform"])
    key = g.sec("gcp-service-account-private-key", S.pkcs8_private_key(r) + "\n")
    key.value = key.value[:-1]  # the label ends at END-----; the JSON string keeps its trailing \n
    fields = [("type", F("service_account")), ("project_id", F(proj)),
              ("private_key_id", F(g.sec("gcp-private-key-id", S.rs(r, S.HEX, 40)))),
              ("private_key", F(key, "\n")),
              ("client_email", F("%s@%s.iam.gserviceaccount.com" % (sa, proj))),
              ("client_id", F(str(g.n(10**20, 10**21 - 1)))),
              ("auth_uri", F("https://accounts.google.com/o/oauth2/auth")), ("token_uri", F("https://oauth2.googleapis.com/token")),
              ("auth_provider_x509_cert_url", F("https://www.googleapis.com/oauth2/v1/certs")),
              ("client_x509_cert_url", F("https://www.googleapis.com/robot/v1/metadata/x509/%s%%40%s.iam.gserviceaccount.com" % (sa, proj))),
              ("universe_domain", F("googleapis.com"))]
    if compact:
        return F("{", join(",", [F(jstr(k), ":", jstr(v)) for k, v in fields]), "}")
    return F("{\n", join(",\n", [F("  ", jstr(k), ": ", jstr(v)) for k, v in fields]), "\n}")


def _pem_for(g, name):
    t = {"SSH_PRIVATE_KEY": g.pick(["openssh-private-key", "rsa-private-key"]), "DEPLOY_KEY": "openssh-private-key",
         "GPG_PRIVATE_KEY": "pgp-private-key", "TLS_KEY": g.pick(["ec-private-key", "pkcs8-private-key", "rsa-private-key"]),
         "JWT_PRIVATE_KEY": g.pick(["rsa-private-key", "pkcs8-private-key"]), "GITHUB_APP_PRIVATE_KEY": "rsa-private-key"}.get(name)
    return g.pem(t)


def config_dump(g):
    r = g.r
    k = g.deck("cfg", ["env", "env", "compose", "app-yaml", "helm", "toml", "aws-ini", "pypirc", "npmrc", "docker-config", "netrc",
                       "git-credentials", "pgpass", "settings-py", "kubeconfig", "sa-json", "pem-env", "wp-config", "ssh", "lockfile"])
    g.variant = k
    out = []
    if k == "ssh":
        out.append(F("$ cat ~/.ssh/authorized_keys\n", ssh_pub(g), " ", g.pick(C.USERS), "@", hostname(g), "\n", ssh_pub(g), " ci-deploy\n"))
        out.append(F("$ ssh-keygen -lf ~/.ssh/id_ed25519.pub\n256 ", ssh_fp(g), " deploy@", hostname(g), " (ED25519)\n"))
        if g.chance(0.5):
            out.append(F("$ cat ~/.ssh/id_ed25519\n", g.pem("openssh-private-key"), "\n"))
        out.append(F("$ cat ~/.ssh/config\nHost bastion\n  HostName ", g.private_ip(), "\n  User deploy\n  IdentityFile ~/.ssh/id_ed25519\n"))
    elif k == "lockfile":
        out.append("$ grep -A3 '\"node_modules/' package-lock.json | head\n")
        for _ in range(g.n(2, 4)):
            pkg = g.pick(NPM_PKGS)
            ver = "%d.%d.%d" % (g.n(0, 20), g.n(0, 30), g.n(0, 40))
            out.append(F('    "node_modules/', pkg, '": {\n      "version": "', ver, '",\n      "resolved": "https://registry.npmjs.org/', pkg, "/-/",
                         pkg.split("/")[-1], "-", ver, '.tgz",\n      "integrity": "', sri(g), '",\n'))
        if g.chance(0.5):
            out.append(F("$ cat .npmrc\n//registry.npmjs.org/:_authToken=", g.sec("npm-token", S.npm_token(g.r)) if g.chance(0.5) else g.placeholder(), "\n"))
    elif k == "env":
        out.append(F("$ cat ", g.pick([".env", ".env.production", "deploy/.env", "/etc/app/env"]), "\n"))
        out.append(F("# generated ", iso(g, g.clock()), "\nNODE_ENV=production\nPORT=", str(g.pick([3000, 8000, 8080])), "\n"))
        out.append(mixed_assignments(g, "env", g.n(2, 4), g.n(2, 4)))
    elif k == "pem-env":
        name = g.pick(["SSH_PRIVATE_KEY", "TLS_KEY", "JWT_PRIVATE_KEY", "GITHUB_APP_PRIVATE_KEY", "GPG_PRIVATE_KEY", "DEPLOY_KEY"])
        item = _pem_for(g, name)
        style = g.deck("pemstyle", ["escaped", "oneline", "quoted-multiline", "yaml-block"])
        if style == "escaped":
            out.append(F(name, '="', item.with_value(item.value.replace("\n", "\\n")), '"\n'))
        elif style == "oneline":
            out.append(F(name, "=", item.with_value(item.value.replace("\n", " ")), "\n"))
        elif style == "quoted-multiline":
            out.append(F(name, '="', item, '"\n'))
        else:
            out.append(g.assign(name.lower(), F(item), "yaml"))
        cert = certificate(g)
        out.append(F("TLS_CERT=\"", cert.with_value(cert.value.replace("\n", "\\n")), "\"\n") if g.chance(0.6) else F("TLS_CERT=", g.placeholder(), "\n"))
        out.append(mixed_assignments(g, "env", g.n(0, 1), g.n(1, 2)))
    elif k == "compose":
        svc = g.pick(C.SERVICES)
        out.append(F("$ docker compose config\nname: ", svc, "\nservices:\n  ", svc, ":\n    image: ghcr.io/", g.pick(ORGS), "/", svc, "@", g.digest(),
                     "\n    environment:\n"))
        out.append(mixed_assignments(g, "yaml", g.n(1, 3), g.n(1, 3), "      "))
        out.append(F("    ports:\n      - mode: ingress\n        target: 8080\n        published: \"8080\"\n  db:\n    image: postgres:16\n    environment:\n",
                     "      POSTGRES_PASSWORD: ", g.sec("password", S.password(r, "-_.")) if g.chance(0.6) else g.placeholder(), "\n      POSTGRES_USER: ",
                     g.pick(C.DB_USERS), "\n"))
    elif k == "app-yaml":
        out.append(F("# application-", g.pick(["prod", "staging"]), ".yml\nspring:\n  datasource:\n    url: ", g.jdbc() if g.chance(0.4) else F("jdbc:postgresql://", g.pick(C.DB_HOSTS), ":5432/", g.pick(C.DB_NAMES)),
                     "\n    username: ", g.pick(C.DB_USERS), "\n    password: ", g.sec("password", S.password(r, "!#%^*-_.+=")) if g.chance(0.6) else g.placeholder(), "\n"))
        out.append("app:\n")
        out.append(mixed_assignments(g, "yaml", g.n(1, 2), g.n(1, 3), "  "))
        out.append(F("management:\n  endpoints:\n    web:\n      exposure:\n        include: health,info\n"))
    elif k == "helm":
        out.append(F("$ helm get values ", g.pick(C.SERVICES), " -n prod\nUSER-SUPPLIED VALUES:\nimage:\n  tag: ", g.short_sha(), "\n  digest: ", g.digest(), "\n"))
        out.append("db:\n")
        out.append(F("  host: ", g.pick(C.DB_HOSTS), "\n  existingSecret: ", secret_name(g), "\n  password: ",
                     g.ben("placeholder", "{{ .Values.db.password }}") if g.chance(0.3) else g.sec("password", S.password(r, "-_.")), "\n"))
        out.append("env:\n")
        out.append(mixed_assignments(g, "yaml", g.n(1, 2), g.n(1, 2), "  "))
    elif k == "toml":
        out.append(F("# ", g.pick(["config.toml", "secrets.toml", ".streamlit/secrets.toml", "settings.toml"]), "\n[server]\nport = 8080\nhost = \"0.0.0.0\"\n\n[database]\n"))
        if g.chance(0.6):
            name, frag = g.conn_url()
            out.append(F("url = ", jstr(frag), "\n"))
        out.append(F("pool_size = 10\n\n[", g.pick(["api", "integrations", "auth", "llm"]), "]\n"))
        out.append(mixed_assignments(g, "toml", g.n(1, 3), g.n(1, 3)))
        if g.chance(0.3):
            out.append(F("\n[registries.", g.pick(ORGS), "]\ntoken = ", jstr(g.sec("crates-io-token", C._cratesio(r)) if g.chance(0.3) else g.sec("generic-token", S.opaque_token(r))), "\n"))
    elif k == "aws-ini":
        out.append(F("$ cat ~/.aws/credentials\n"))
        for prof in r.sample(["default", "prod", "staging", "ci"], g.n(1, 2)):
            out.append(F("[", prof, "]\naws_access_key_id = ", g.sec("aws-access-key-id", S.aws_access_key_id(r)), "\naws_secret_access_key = ",
                         g.sec("aws-secret-access-key", S.aws_secret_access_key(r)), "\n"))
            if g.chance(0.3):
                out.append(F("aws_session_token = ", g.sec("aws-session-token", S.aws_session_token(r)), "\n"))
            out.append("\n")
        out.append(F("[profile sso]\nsso_start_url = https://", g.pick(ORGS), ".awsapps.com/start\nsso_account_id = ", str(g.n(10**11, 10**12 - 1)),
                     "\nrole_arn = ", aws_arn(g), "\n"))
    elif k == "pypirc":
        out.append(F("$ cat ~/.pypirc\n[distutils]\nindex-servers =\n    pypi\n    internal\n\n[pypi]\nusername = __token__\npassword = ", g.sec("pypi-token", S.pypi_token(r)),
                     "\n\n[internal]\nrepository = https://nexus.acme.io/repository/pypi-internal/\nusername = ", g.pick(C.USERS), "\npassword = ",
                     g.sec("password", S.password(r, "!#%^*-_.+=")) if g.chance(0.7) else g.placeholder(), "\n"))
    elif k == "npmrc":
        out.append(F("$ cat .npmrc\nregistry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=", g.sec("npm-token", S.npm_token(r)) if g.chance(0.7) else g.placeholder(),
                     "\n@", g.pick(ORGS), ":registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken=", g.sec("github-pat", S.github_pat(r)), "\n"))
        if g.chance(0.4):
            blob = g.sec("npmrc-auth", S.b64(("%s:%s" % (g.pick(C.USERS), S.password(r))).encode()))
            out.append(F("//nexus.acme.io/repository/npm/:_auth=", blob, "\nalways-auth=true\n"))
    elif k == "docker-config":
        auths = []
        for reg in r.sample(["https://index.docker.io/v1/", "ghcr.io", "registry.gitlab.com", "%d.dkr.ecr.eu-west-1.amazonaws.com" % g.n(10**11, 10**12 - 1)], g.n(1, 2)):
            auths.append(F('\t\t"', reg, '": {\n\t\t\t"auth": "', g.sec("docker-config-auth", S.b64(("%s:%s" % (g.pick(C.USERS), S.password(r) if g.chance(0.5) else S.github_pat(r))).encode())), '"\n\t\t}'))
        out.append(F("$ cat ~/.docker/config.json\n{\n\t\"auths\": {\n", join(",\n", auths), "\n\t},\n\t\"currentContext\": \"desktop-linux\"\n}\n"))
    elif k == "netrc":
        out.append(F("$ cat ~/.netrc\nmachine api.heroku.com\n  login ", g.email(), "\n  password ", g.sec("heroku-api-key", S.heroku_key(r)), "\nmachine ",
                     g.pick(["git.heroku.com", "nexus.acme.io", "ftp.partner.globex.com"]), "\n  login ", g.pick(C.USERS), "\n  password ", g.sec("password", S.password(r, "!#%^*-_.+=")), "\n"))
    elif k == "git-credentials":
        out.append("$ cat ~/.git-credentials\n")
        for _ in range(g.n(1, 2)):
            if g.chance(0.5):
                out.append(F("https://", g.pick(C.USERS), ":", g.sec("github-pat", S.github_pat(r)), "@github.com\n"))
            else:
                out.append(F("https://oauth2:", g.sec("gitlab-pat", S.gitlab_pat(r)), "@gitlab.com\n"))
    elif k == "pgpass":
        out.append("$ cat ~/.pgpass\n")
        for _ in range(g.n(1, 3)):
            out.append(F(g.pick(C.DB_HOSTS), ":5432:", g.pick(C.DB_NAMES + ["*"]), ":", g.pick(C.DB_USERS), ":", g.sec("password", S.password(r, "!#%^*-_.+=")), "\n"))
    elif k == "settings-py":
        out.append(F("# config/settings/production.py\nDEBUG = False\nALLOWED_HOSTS = ['", host(g), "']\n"))
        out.append(mixed_assignments(g, "pylocal", g.n(1, 3), g.n(1, 2)))
        out.append(F("DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.postgresql',\n        'NAME': '", g.pick(C.DB_NAMES),
                     "',\n        'USER': '", g.pick(C.DB_USERS), "',\n        'PASSWORD': ", pystr(g.password("!#%^*-_.+=")) if g.chance(0.6) else F("os.environ['DB_PASSWORD']"),
                     ",\n        'HOST': '", g.pick(C.DB_HOSTS), "',\n    }\n}\n"))
    elif k == "kubeconfig":
        keyitem = g.sec("kubeconfig-client-key", S.b64((S.rsa_private_key(r) + "\n").encode()))
        cert = g.ben("kubeconfig-client-cert", S.b64((text(certificate(g)) + "\n").encode()))
        user_block = F("    client-certificate-data: ", cert, "\n    client-key-data: ", keyitem, "\n") if g.chance(0.5) else \
            F("    token: ", g.sec("k8s-sa-token", S.k8s_sa_token(r)), "\n")
        out.append(F("$ kubectl config view --raw\napiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: ",
                     g.ben("kubeconfig-ca-data", S.b64(S.rbytes(r, 600))), "\n    server: https://", g.private_ip(), ":6443\n  name: ", g.pick(["prod", "kind-kind", "gke_acme_us-central1_prod"]),
                     "\ncontexts:\n- context:\n    cluster: prod\n    user: admin\n  name: prod\ncurrent-context: prod\nkind: Config\npreferences: {}\nusers:\n- name: admin\n  user:\n", user_block))
    elif k == "sa-json":
        out.append(F("$ cat ", g.pick(["credentials.json", "gcp-sa.json", "/var/secrets/google/key.json"]), "\n", gcp_sa_json(g), "\n"))
    else:
        out.append(F("// wp-config.php\ndefine( 'DB_NAME', '", g.pick(C.DB_NAMES), "' );\ndefine( 'DB_USER', '", g.pick(C.DB_USERS), "' );\ndefine( 'DB_PASSWORD', '",
                     g.sec("password", S.password(r, "!#%^*-_.+=@")), "' );\ndefine( 'DB_HOST', '", g.pick(C.DB_HOSTS), "' );\n"))
        for salt in r.sample(["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT"], g.n(1, 3)):
            out.append(F("define( '", salt, "', '", g.sec("generic-secret", S.rs(r, S.ALNUM + "!#%^*-_.+=@|[]{}<>~`;:", 64)), "' );\n"))
    out.append("\n")
    return F(out)


# ---------------------------------------------------------------------------
# 14. Kubernetes and docker output
# ---------------------------------------------------------------------------

def k8s_docker(g):
    r = g.r
    clk = g.clock()
    k = g.deck("k8s", ["get-secret", "describe-pod", "docker-inspect", "docker-run", "get-pods", "events", "configmap", "history", "logs",
                       "ps", "pod-args"])
    g.variant = k
    svc = g.pick(C.SERVICES)
    out = []
    if k == "ps":
        out.append("$ ps aux | grep -v grep | grep -E 'java|node|python'\nUSER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n")
        out.append(F("app            1  4.2 12.1 5123456 991232 ?      Ssl  09:12   3:41 java -Xmx2g -Dspring.profiles.active=prod ",
                     "-Dspring.datasource.password=", g.sec("cli-password", S.password(r, "-_.^*")), " -Djavax.net.ssl.keyStorePassword=",
                     g.sec("cli-password", S.password(r, "-_.")) if g.chance(0.5) else g.placeholder(), " -jar /app/app.jar\n"))
        out.append(F("app           57  0.3  2.0 1234567 160000 ?      Sl   09:12   0:12 node dist/worker.js --redis-url ",
                     g.conn_url("redis")[1], " --concurrency 4\n"))
        if g.chance(0.6):
            out.append(F("app           88  0.1  1.1  456789  90000 ?      S    09:13   0:02 python -m exporter --api-key ",
                         g.sec("cli-password", S.rs(r, S.ALNUM, 40)) if g.chance(0.5) else g.provider(C.PREFIXED, "ps")[1], " --interval 60\n"))
        out.append("\n")
        return F(out)
    if k == "pod-args":
        pw = g.sec("cli-password", S.password(r, "-_."))
        args = [jstr("--port=8080"), jstr(g.pick(["--db-password", "--password", "--auth-token"])), jstr(pw),
                jstr(F("--trace-id-header=", "traceparent")), jstr(F("--build-sha=", g.sha()))]
        out.append(F("$ kubectl get pod ", pod(g, svc), " -o jsonpath='{.spec.containers[0].args}'\n[", join(",", args), "]\n"))
        out.append(F("$ kubectl get deploy ", svc, " -o yaml | grep -A6 args:\n        args:\n        - --listen=:8080\n        - --api-key=",
                     g.sec("cli-password", S.rs(r, S.HEX, 32)) if g.chance(0.5) else g.provider(C.PREFIXED, "args")[1],
                     "\n        - --log-level=info\n        - --max-tokens=", token_count(g), "\n"))
        out.append("\n")
        return F(out)
    if k == "get-secret":
        rows = []
        for key in r.sample(["password", "username", "api-key", "DATABASE_URL", "token", "tls.key"], g.n(1, 3)):
            if key == "username":
                rows.append(F("  ", key, ": ", S.b64(g.pick(C.DB_USERS).encode()), "\n"))
            elif key == "tls.key":
                rows.insert(0, F("  tls.crt: ", g.ben("k8s-cert-data", S.b64((text(certificate(g)) + "\n").encode())), "\n"))
                rows.append(F("  ", key, ": ", g.sec("k8s-secret-data", S.b64((S.ec_private_key(r) + "\n").encode())), "\n"))
            elif key == "DATABASE_URL":
                rows.append(F("  ", key, ": ", g.sec("k8s-secret-data", S.b64(text(g.conn_url("postgresql")[1]).encode())), "\n"))
            else:
                rows.append(F("  ", key, ": ", g.sec("k8s-secret-data", S.b64((S.password(r) if key == "password" else S.opaque_token(r)).encode())), "\n"))
        out.append(F("$ kubectl get secret ", secret_name(g), " -n prod -o yaml\napiVersion: v1\ndata:\n", rows, "kind: Secret\nmetadata:\n  creationTimestamp: \"",
                     clk.iso(0), "\"\n  name: ", secret_name(g), "\n  namespace: prod\n  resourceVersion: \"", str(g.n(10**5, 10**8)), "\"\n  uid: ", g.uuid(), "\ntype: Opaque\n"))
    elif k == "describe-pod":
        p = pod(g, svc)
        out.append(F("$ kubectl describe pod ", p, "\nName:             ", p, "\nNamespace:        prod\nNode:             ip-10-0-", str(g.n(0, 9)), "-", str(g.n(2, 250)),
                     ".ec2.internal/", g.private_ip(), "\nStart Time:       ", clk.http(), "\nStatus:           Running\nIP:               ", g.private_ip(),
                     "\nContainers:\n  ", svc, ":\n    Container ID:   containerd://", container_id(g), "\n    Image:          ghcr.io/", g.pick(ORGS), "/", svc, ":", g.short_sha(),
                     "\n    Image ID:       ghcr.io/", g.pick(ORGS), "/", svc, "@", g.digest(), "\n    Environment:\n"))
        for _ in range(g.n(1, 2)):
            name, frag = g.named_secret("env")
            if "\n" in text(frag):
                continue
            out.append(F("      ", name, ":", " " * max(1, 24 - len(name)), frag, "\n"))
        out.append(F("      DB_PASSWORD:             <set to the key 'password' in secret '", secret_name(g), "'>  Optional: false\n",
                     "      NODE_ENV:                production\n      GIT_SHA:                 ", g.sha(), "\n"))
        out.append(F("Events:\n  Type     Reason   Age   From     Message\n  ----     ------   ----  ----     -------\n  Warning  BackOff  2m    kubelet  Back-off restarting failed container ",
                     svc, " in pod ", p, "_prod(", g.uuid(), ")\n"))
    elif k == "docker-inspect":
        envs = [jstr(F("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"))]
        for _ in range(g.n(1, 3)):
            name, frag = g.named_secret("env")
            envs.append(jstr(F(name, "=", frag)))
        envs.append(jstr(F("MAX_TOKENS=", token_count(g))))
        envs.append(jstr(F(g.pick(["DB_PASSWORD", "API_KEY"]), "=", g.placeholder())))
        r.shuffle(envs)
        out.append(F("$ docker inspect ", svc, "\n[\n    {\n        \"Id\": \"", container_id(g), "\",\n        \"Created\": \"", clk.iso(9), "\",\n",
                     "        \"Image\": \"", g.digest(), "\",\n        \"Config\": {\n            \"Hostname\": \"", container_id(g, False), "\",\n",
                     "            \"Env\": [\n                ", join(",\n                ", envs), "\n            ],\n",
                     "            \"Image\": \"ghcr.io/", g.pick(ORGS), "/", svc, ":", g.version(), "\"\n        }\n    }\n]\n"))
    elif k == "docker-run":
        envs = []
        for _ in range(g.n(1, 2)):
            name, frag = g.named_secret("env")
            if "\n" in text(frag):
                name, item = g.generic()
                name, frag = name.upper(), F(item)
            envs.append(F("-e ", name, "=", C.shq(frag)))
        out.append(F("$ docker run -d --name ", svc, " ", join(" ", envs), " -p 8080:8080 ghcr.io/", g.pick(ORGS), "/", svc, ":", g.short_sha(), "\n", container_id(g), "\n"))
    elif k == "get-pods":
        out.append("$ kubectl get pods -o wide\nNAME                              READY   STATUS             RESTARTS   AGE   IP            NODE\n")
        for _ in range(g.n(2, 5)):
            out.append(F(pod(g), "   1/1     ", g.pick(["Running", "CrashLoopBackOff", "Running"]), "   ", str(g.n(0, 9)), "   ", str(g.n(1, 59)), "m   ",
                         g.private_ip(), "   ip-10-0-1-", str(g.n(2, 250)), ".ec2.internal\n"))
    elif k == "events":
        out.append("$ kubectl get events --sort-by=.lastTimestamp\n")
        for _ in range(g.n(2, 4)):
            out.append(F(str(g.n(1, 59)), "m   Warning   Failed   pod/", pod(g), "   Failed to pull image \"ghcr.io/", g.pick(ORGS), "/", svc, "@", g.digest(),
                         "\": rpc error: code = Unknown desc = failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized\n"))
    elif k == "configmap":
        out.append(F("$ kubectl get configmap ", svc, "-config -o yaml\napiVersion: v1\ndata:\n"))
        out.append(mixed_assignments(g, "yaml", g.n(0, 2), g.n(2, 4), "  "))
        out.append(F("kind: ConfigMap\nmetadata:\n  name: ", svc, "-config\n  uid: ", g.uuid(), "\n"))
    elif k == "history":
        out.append(F("$ docker history --no-trunc ghcr.io/", g.pick(ORGS), "/", svc, ":latest\nIMAGE          CREATED       CREATED BY\n"))
        name, item = g.generic()
        out.append(F(g.digest(), "   2 days ago    ENV ", name.upper(), "=", item, "\n"))
        sp, it = g.provider(C.PREFIXED, "hist")
        out.append(F("<missing>      2 days ago    ARG ", g.pick(sp.names), "=", it, "\n"))
        out.append(F("<missing>      2 days ago    RUN /bin/sh -c npm ci --omit=dev # buildkit\n<missing>      3 weeks ago   /bin/sh -c #(nop) ADD file:", g.sha256(), " in /\n"))
    else:
        p = pod(g, svc)
        out.append(F("$ kubectl logs ", p, " --previous\n"))
        for _ in range(g.n(2, 4)):
            clk.tick(0.01, 3)
            level, msg, fields = log_event(g, clk)
            out.append(F(clk.iso(), " ", level.upper(), " ", msg, " ", _kv_render(fields), "\n"))
    out.append("\n")
    return F(out)


def _tagged(fn):
    """Fill in the rendering context of labels the template did not tag with the template's variant."""
    def run(g):
        g.variant = None
        frag = fn(g)
        return set_ctx_all(frag, g.variant) if g.variant else frag
    run.__name__ = fn.__name__
    return run


KINDS = {
    "python-traceback": python_traceback,
    "java-stacktrace": java_stacktrace,
    "node-stacktrace": node_stacktrace,
    "json-log": json_log,
    "app-log": app_log,
    "ci-log": ci_log,
    "http-dump": http_dump,
    "python-repr": python_repr,
    "node-inspect": node_inspect,
    "json-headers": json_headers,
    "otel": otel,
    "agent-trace": agent_trace,
    "config-dump": config_dump,
    "k8s-docker": k8s_docker,
}
KINDS = {k: _tagged(v) for k, v in KINDS.items()}
