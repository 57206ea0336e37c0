"""Core of the corpus generator: labelled fragments, escaping, the secret catalog,
and renderers for headers and key/value assignments in many syntaxes.

A *fragment* is a flat list whose elements are plain ``str`` or ``Item``.  An ``Item``
is a planted value with its label; escaping a fragment escapes every piece, so the
label always covers exactly the bytes that end up in the file (e.g. a PEM key inside
a JSON string is labelled in its ``\\n``-escaped form).
"""

import json

import shapes as S


class Item:
    __slots__ = ("value", "label", "type", "ctx")

    def __init__(self, value, label, type_, ctx=None):
        self.value = value
        self.label = label
        self.type = type_
        self.ctx = ctx

    def with_value(self, v):
        return Item(v, self.label, self.type, self.ctx)


def F(*parts):
    """Flatten strings, Items and nested lists into one fragment."""
    out = []
    for p in parts:
        if p is None:
            continue
        if isinstance(p, (str, Item)):
            out.append(p)
        else:
            out.extend(F(*p))
    return out


def text(frag):
    return "".join(p if isinstance(p, str) else p.value for p in F(frag))


def esc(frag, fn):
    return [fn(p) if isinstance(p, str) else p.with_value(fn(p.value)) for p in F(frag)]


def join(sep, frags):
    out = []
    for i, f in enumerate(frags):
        if i:
            out.append(sep)
        out.extend(F(f))
    return out


def items(frag):
    return [p for p in F(frag) if isinstance(p, Item)]


def set_ctx(frag, ctx):
    for p in F(frag):
        if isinstance(p, Item) and p.ctx is None:
            p.ctx = ctx
    return frag


# -- escapers ---------------------------------------------------------------

def json_esc(s):
    return json.dumps(s, ensure_ascii=False)[1:-1]


def jstr(frag):
    """JSON string literal (with quotes)."""
    return F('"', esc(frag, json_esc), '"')


def _py_escaper(quote):
    def fn(s):
        s = s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        return s.replace(quote, "\\" + quote)
    return fn


def pystr(frag):
    """Python repr() of a str."""
    t = text(frag)
    quote = '"' if ("'" in t and '"' not in t) else "'"
    return F(quote, esc(frag, _py_escaper(quote)), quote)


def pybytes(frag):
    t = text(frag)
    quote = '"' if ("'" in t and '"' not in t) else "'"
    return F("b" + quote, esc(frag, _py_escaper(quote)), quote)


def jsstr(frag):
    """Node util.inspect() of a string."""
    t = text(frag)
    quote = "'" if "'" not in t else ('"' if '"' not in t else "`")
    return F(quote, esc(frag, _py_escaper(quote)), quote)


def gostr(frag):
    return F('"', esc(frag, lambda s: s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")), '"')


def shq(frag):
    """Shell single-quote when needed."""
    t = text(frag)
    if t and all(c.isalnum() or c in "-_./:@%+=," for c in t):
        return F(frag)
    return F("'", frag, "'")


def yaml_scalar(frag):
    t = text(frag)
    if t and all(c.isalnum() or c in "-_./+=" for c in t) and not t[0] in "-." and not t.isdigit():
        return F(frag)
    if "'" not in t and "\n" not in t:
        return F("'", frag, "'")
    return jstr(frag)


def logfmt_val(frag):
    t = text(frag)
    if t and all(c not in ' "=\\' for c in t):
        return F(frag)
    return jstr(frag)


def js_key(name):
    if name.replace("_", "a").replace("$", "a").isalnum() and not name[0].isdigit():
        return name
    return "'%s'" % name


# -- naming ---------------------------------------------------------------

def style_name(name, style):
    """Render an UPPER_SNAKE env name in another convention."""
    if "." in name or "-" in name and name.islower():
        return name
    parts = name.lower().split("_")
    if style == "env":
        return name
    if style == "snake":
        return "_".join(parts)
    if style == "camel":
        return parts[0] + "".join(p.capitalize() for p in parts[1:])
    if style == "kebab":
        return "-".join(parts)
    if style == "dotted":
        return ".".join(parts)
    return name


# -- catalog of provider secrets -------------------------------------------

BEARER = [("Authorization", "Bearer ")]


class Spec:
    __slots__ = ("type", "fn", "names", "prefixed", "headers")

    def __init__(self, type_, fn, names, prefixed=True, headers=None):
        self.type = type_
        self.fn = fn
        self.names = names
        self.prefixed = prefixed
        self.headers = headers


def _cratesio(r):
    return "cio" + S.rs(r, S.ALNUM, 32)


CATALOG = [
    Spec("aws-access-key-id", S.aws_access_key_id, ["AWS_ACCESS_KEY_ID"]),
    Spec("aws-secret-access-key", S.aws_secret_access_key, ["AWS_SECRET_ACCESS_KEY"], False),
    Spec("aws-session-token", S.aws_session_token, ["AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"], False,
         [("X-Amz-Security-Token", "")]),
    Spec("gcp-api-key", S.gcp_api_key, ["GOOGLE_API_KEY", "GEMINI_API_KEY", "FIREBASE_API_KEY", "GOOGLE_MAPS_API_KEY"],
         True, [("x-goog-api-key", "")]),
    Spec("google-oauth-client-secret", S.google_oauth_client_secret, ["GOOGLE_CLIENT_SECRET", "OAUTH_CLIENT_SECRET"]),
    Spec("google-oauth-access-token", S.google_oauth_access_token, ["GOOGLE_ACCESS_TOKEN"], True, BEARER),
    Spec("google-refresh-token", S.google_refresh_token, ["GOOGLE_REFRESH_TOKEN", "GDRIVE_REFRESH_TOKEN"]),
    Spec("firebase-fcm-server-key", S.firebase_fcm_key, ["FCM_SERVER_KEY"], True, [("Authorization", "key=")]),
    Spec("azure-storage-key", S.azure_storage_key, ["AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT_KEY"], False),
    Spec("azure-ad-client-secret", S.azure_ad_client_secret, ["AZURE_CLIENT_SECRET", "ARM_CLIENT_SECRET"]),
    Spec("azure-openai-key", S.azure_openai_key, ["AZURE_OPENAI_API_KEY"], False, [("api-key", "")]),
    Spec("azure-devops-pat", S.azure_devops_pat, ["AZURE_DEVOPS_EXT_PAT", "AZURE_DEVOPS_PAT"], False),
    Spec("github-pat", S.github_pat, ["GITHUB_TOKEN", "GH_TOKEN", "GITHUB_PAT"], True,
         [("Authorization", "token "), ("Authorization", "Bearer ")]),
    Spec("github-oauth-token", S.github_oauth, ["GITHUB_OAUTH_TOKEN", "GH_TOKEN"], True, BEARER),
    Spec("github-user-token", S.github_u2s, ["GH_USER_TOKEN"], True, BEARER),
    Spec("github-app-token", S.github_s2s, ["GITHUB_TOKEN", "GH_INSTALLATION_TOKEN"], True,
         [("Authorization", "token "), ("Authorization", "Bearer ")]),
    Spec("github-refresh-token", S.github_refresh, ["GH_REFRESH_TOKEN"]),
    Spec("github-fine-grained-pat", S.github_fine_grained, ["GITHUB_TOKEN", "GH_PAT"], True, BEARER),
    Spec("gitlab-pat", S.gitlab_pat, ["GITLAB_TOKEN", "GL_TOKEN", "GITLAB_PRIVATE_TOKEN"], True,
         [("PRIVATE-TOKEN", ""), ("Authorization", "Bearer ")]),
    Spec("gitlab-deploy-token", S.gitlab_deploy_token, ["GITLAB_DEPLOY_TOKEN", "CI_DEPLOY_PASSWORD"]),
    Spec("gitlab-runner-token", S.gitlab_runner_token, ["RUNNER_TOKEN", "CI_SERVER_TOKEN"]),
    Spec("gitlab-trigger-token", S.gitlab_trigger_token, ["TRIGGER_TOKEN"]),
    Spec("slack-bot-token", S.slack_bot, ["SLACK_BOT_TOKEN", "SLACK_TOKEN"], True, BEARER),
    Spec("slack-user-token", S.slack_user, ["SLACK_USER_TOKEN"], True, BEARER),
    Spec("slack-app-token", S.slack_app, ["SLACK_APP_TOKEN"], True, BEARER),
    Spec("discord-bot-token", S.discord_bot_token, ["DISCORD_TOKEN", "DISCORD_BOT_TOKEN"], False,
         [("Authorization", "Bot ")]),
    Spec("telegram-bot-token", S.telegram_bot_token, ["TELEGRAM_BOT_TOKEN", "TG_BOT_TOKEN"]),
    Spec("stripe-secret-key", S.stripe_secret, ["STRIPE_SECRET_KEY", "STRIPE_API_KEY"], True, BEARER),
    Spec("stripe-restricted-key", S.stripe_restricted, ["STRIPE_RESTRICTED_KEY"], True, BEARER),
    Spec("stripe-webhook-secret", S.stripe_whsec, ["STRIPE_WEBHOOK_SECRET"]),
    Spec("square-access-token", S.square_access, ["SQUARE_ACCESS_TOKEN"], True, BEARER),
    Spec("square-oauth-secret", S.square_oauth_secret, ["SQUARE_APPLICATION_SECRET"]),
    Spec("twilio-api-key", S.twilio_api_key, ["TWILIO_API_KEY", "TWILIO_API_KEY_SID"]),
    Spec("twilio-auth-token", S.twilio_auth_token, ["TWILIO_AUTH_TOKEN"], False),
    Spec("sendgrid-api-key", S.sendgrid, ["SENDGRID_API_KEY"], True, BEARER),
    Spec("mailgun-api-key", S.mailgun, ["MAILGUN_API_KEY"]),
    Spec("mailchimp-api-key", S.mailchimp, ["MAILCHIMP_API_KEY"]),
    Spec("openai-api-key", S.openai_key, ["OPENAI_API_KEY"], True, BEARER),
    Spec("anthropic-api-key", S.anthropic_key, ["ANTHROPIC_API_KEY"], True, [("x-api-key", "")]),
    Spec("anthropic-admin-key", S.anthropic_admin_key, ["ANTHROPIC_ADMIN_KEY"], True, [("x-api-key", "")]),
    Spec("huggingface-token", S.hf_token, ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"], True, BEARER),
    Spec("groq-api-key", S.groq_key, ["GROQ_API_KEY"], True, BEARER),
    Spec("replicate-api-token", S.replicate_token, ["REPLICATE_API_TOKEN"], True,
         [("Authorization", "Bearer "), ("Authorization", "Token ")]),
    Spec("openrouter-api-key", S.openrouter_key, ["OPENROUTER_API_KEY"], True, BEARER),
    Spec("perplexity-api-key", S.perplexity_key, ["PERPLEXITY_API_KEY", "PPLX_API_KEY"], True, BEARER),
    Spec("xai-api-key", S.xai_key, ["XAI_API_KEY"], True, BEARER),
    Spec("mistral-api-key", S.mistral_key, ["MISTRAL_API_KEY"], False, BEARER),
    Spec("cohere-api-key", S.cohere_key, ["COHERE_API_KEY", "CO_API_KEY"], False, BEARER),
    Spec("pinecone-api-key", S.pinecone_key, ["PINECONE_API_KEY"], True, [("Api-Key", "")]),
    Spec("langsmith-api-key", S.langsmith_key, ["LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"], True, [("x-api-key", "")]),
    Spec("wandb-api-key", S.wandb_key, ["WANDB_API_KEY"], False),
    Spec("npm-token", S.npm_token, ["NPM_TOKEN", "NODE_AUTH_TOKEN"], True, BEARER),
    Spec("pypi-token", S.pypi_token, ["PYPI_API_TOKEN", "TWINE_PASSWORD", "UV_PUBLISH_TOKEN"]),
    Spec("rubygems-api-key", S.rubygems_key, ["GEM_HOST_API_KEY", "RUBYGEMS_API_KEY"]),
    Spec("nuget-api-key", S.nuget_key, ["NUGET_API_KEY"], True, [("X-NuGet-ApiKey", "")]),
    Spec("crates-io-token", _cratesio, ["CARGO_REGISTRY_TOKEN"], True),
    Spec("dockerhub-pat", S.dockerhub_pat, ["DOCKERHUB_TOKEN", "DOCKER_PASSWORD"]),
    Spec("shopify-access-token", S.shopify_access, ["SHOPIFY_ACCESS_TOKEN", "SHOPIFY_ADMIN_API_TOKEN"], True,
         [("X-Shopify-Access-Token", "")]),
    Spec("shopify-shared-secret", S.shopify_secret, ["SHOPIFY_API_SECRET"]),
    Spec("datadog-api-key", S.datadog_api_key, ["DD_API_KEY", "DATADOG_API_KEY"], False, [("DD-API-KEY", "")]),
    Spec("datadog-app-key", S.datadog_app_key, ["DD_APP_KEY", "DD_APPLICATION_KEY"], False,
         [("DD-APPLICATION-KEY", "")]),
    Spec("newrelic-user-key", S.newrelic_user_key, ["NEW_RELIC_API_KEY", "NEW_RELIC_USER_KEY"], True, [("Api-Key", "")]),
    Spec("newrelic-license-key", S.newrelic_license_key, ["NEW_RELIC_LICENSE_KEY"], True, [("X-License-Key", "")]),
    Spec("sentry-auth-token", S.sentry_auth_token, ["SENTRY_AUTH_TOKEN"], True, BEARER),
    Spec("grafana-sa-token", S.grafana_sa_token, ["GRAFANA_TOKEN", "GRAFANA_SERVICE_ACCOUNT_TOKEN"], True, BEARER),
    Spec("grafana-cloud-token", S.grafana_cloud_token, ["GRAFANA_CLOUD_API_KEY", "GCLOUD_RW_API_KEY"], True, BEARER),
    Spec("digitalocean-token", S.digitalocean_token, ["DIGITALOCEAN_ACCESS_TOKEN", "DO_TOKEN"], True, BEARER),
    Spec("heroku-api-key", S.heroku_key, ["HEROKU_API_KEY"], False, BEARER),
    Spec("vercel-token", S.vercel_token, ["VERCEL_TOKEN"], False, BEARER),
    Spec("netlify-token", S.netlify_token, ["NETLIFY_AUTH_TOKEN"], True, BEARER),
    Spec("cloudflare-api-token", S.cloudflare_api_token, ["CLOUDFLARE_API_TOKEN", "CF_API_TOKEN"], False, BEARER),
    Spec("cloudflare-global-api-key", S.cloudflare_global_key, ["CLOUDFLARE_API_KEY", "CF_API_KEY"], False,
         [("X-Auth-Key", "")]),
    Spec("cloudflare-origin-ca-key", S.cloudflare_origin_ca, ["CF_ORIGIN_CA_KEY"], True,
         [("X-Auth-User-Service-Key", "")]),
    Spec("doppler-token", S.doppler_token, ["DOPPLER_TOKEN"], True, BEARER),
    Spec("1password-sa-token", S.onepassword_sa, ["OP_SERVICE_ACCOUNT_TOKEN"]),
    Spec("linear-api-key", S.linear_key, ["LINEAR_API_KEY"], True, [("Authorization", "")]),
    Spec("notion-token", S.notion_token, ["NOTION_TOKEN", "NOTION_API_KEY"], True, BEARER),
    Spec("atlassian-api-token", S.atlassian_token, ["JIRA_API_TOKEN", "ATLASSIAN_API_TOKEN", "CONFLUENCE_API_TOKEN"]),
    Spec("postman-api-key", S.postman_key, ["POSTMAN_API_KEY"], True, [("X-Api-Key", "")]),
    Spec("databricks-token", S.databricks_token, ["DATABRICKS_TOKEN"], True, BEARER),
    Spec("age-secret-key", S.age_secret_key, ["SOPS_AGE_KEY", "AGE_SECRET_KEY"]),
    Spec("vault-token", S.vault_token, ["VAULT_TOKEN"], True, [("X-Vault-Token", "")]),
    Spec("terraform-cloud-token", S.tfc_token, ["TF_TOKEN_app_terraform_io", "TFE_TOKEN"], True, BEARER),
    Spec("alibaba-access-key-id", S.alibaba_key_id, ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"]),
    Spec("okta-api-token", S.okta_token, ["OKTA_API_TOKEN"], False, [("Authorization", "SSWS ")]),
    Spec("mapbox-secret-token", S.mapbox_secret, ["MAPBOX_SECRET_TOKEN", "MAPBOX_DOWNLOADS_TOKEN"]),
    Spec("pulumi-access-token", S.pulumi_token, ["PULUMI_ACCESS_TOKEN"], True, [("Authorization", "token ")]),
    Spec("flyio-token", S.flyio_token, ["FLY_API_TOKEN"], True, BEARER),
    Spec("supabase-access-token", S.supabase_token, ["SUPABASE_ACCESS_TOKEN"], True, BEARER),
    Spec("supabase-service-role-jwt", S.supabase_service_jwt, ["SUPABASE_SERVICE_ROLE_KEY"], True,
         [("apikey", ""), ("Authorization", "Bearer ")]),
    Spec("planetscale-token", S.planetscale_token, ["PLANETSCALE_SERVICE_TOKEN", "PSCALE_PASSWORD"]),
    Spec("sourcegraph-token", S.sourcegraph_token, ["SRC_ACCESS_TOKEN"], True, [("Authorization", "token ")]),
    Spec("tailscale-key", S.tailscale_key, ["TS_AUTHKEY", "TAILSCALE_API_KEY"]),
    Spec("buildkite-token", S.buildkite_token, ["BUILDKITE_API_TOKEN"], True, BEARER),
    Spec("circleci-token", S.circleci_token, ["CIRCLE_TOKEN", "CIRCLECI_TOKEN"], True, [("Circle-Token", "")]),
    Spec("launchdarkly-key", S.launchdarkly_key, ["LAUNCHDARKLY_SDK_KEY", "LD_SDK_KEY"], True, [("Authorization", "")]),
    Spec("contentful-token", S.contentful_token, ["CONTENTFUL_MANAGEMENT_TOKEN"], True, BEARER),
    Spec("asana-pat", S.asana_pat, ["ASANA_ACCESS_TOKEN"], True, BEARER),
    Spec("airtable-pat", S.airtable_pat, ["AIRTABLE_TOKEN", "AIRTABLE_API_KEY"], True, BEARER),
    Spec("figma-pat", S.figma_pat, ["FIGMA_TOKEN"], True, [("X-Figma-Token", "")]),
    Spec("dropbox-token", S.dropbox_token, ["DROPBOX_ACCESS_TOKEN"], True, BEARER),
    Spec("twitter-bearer-token", S.twitter_bearer, ["TWITTER_BEARER_TOKEN"], True, BEARER),
    Spec("facebook-access-token", S.facebook_token, ["FACEBOOK_ACCESS_TOKEN", "FB_PAGE_TOKEN"]),
    Spec("jwt", S.jwt, ["ACCESS_TOKEN", "ID_TOKEN", "JWT_TOKEN"], True, BEARER),
    Spec("k8s-sa-token", S.k8s_sa_token, ["KUBE_TOKEN", "K8S_TOKEN"], True, BEARER),
]
# URL-shaped provider secrets: the label covers only the secret path/user part.
URL_SECRETS = ["slack-webhook", "discord-webhook", "sentry-dsn", "telegram-bot-url"]
PEM_TYPES = list(S.PRIVATE_KEYS)
PEM_NAMES = ["PRIVATE_KEY", "SSH_PRIVATE_KEY", "TLS_KEY", "JWT_PRIVATE_KEY", "GPG_PRIVATE_KEY", "DEPLOY_KEY",
             "GITHUB_APP_PRIVATE_KEY", "SIGNING_KEY"]
BY_TYPE = {s.type: s for s in CATALOG}
PREFIXED = [s for s in CATALOG if s.prefixed]
HEADERABLE = [s for s in CATALOG if s.headers]

PASSWORD_KEYS = ["password", "passwd", "pwd", "db_password", "DB_PASS", "POSTGRES_PASSWORD", "MYSQL_ROOT_PASSWORD",
                 "MYSQL_PASSWORD", "REDIS_PASSWORD", "RABBITMQ_DEFAULT_PASS", "admin_password", "SMTP_PASSWORD",
                 "smtp_pass", "LDAP_BIND_PASSWORD", "KEYSTORE_PASSWORD", "MONGO_INITDB_ROOT_PASSWORD", "pass",
                 "ELASTIC_PASSWORD", "GRAFANA_ADMIN_PASSWORD", "PGPASSWORD", "DATABASE_PASSWORD", "user_password",
                 "KAFKA_SASL_PASSWORD", "MINIO_ROOT_PASSWORD", "JENKINS_ADMIN_PASSWORD", "ftp_password"]
SECRET_KEYS = ["secret", "client_secret", "SECRET_KEY", "DJANGO_SECRET_KEY", "JWT_SECRET", "SESSION_SECRET",
               "app_secret", "signing_secret", "encryption_key", "private_key", "credential", "credentials",
               "NEXTAUTH_SECRET", "RAILS_MASTER_KEY", "WEBHOOK_SECRET", "HMAC_KEY", "master_key", "consumer_secret",
               "OAUTH_CLIENT_SECRET", "secret_key_base", "COOKIE_SECRET", "AUTH_SECRET", "ENCRYPTION_KEY"]
TOKEN_KEYS = ["token", "auth_token", "access_token", "refresh_token", "api_token", "session_token", "bearer_token",
              "session", "sessionToken", "X_AUTH_TOKEN", "AUTH_TOKEN", "ACCESS_TOKEN", "BOT_TOKEN", "SERVICE_TOKEN",
              "REGISTRY_TOKEN", "DEPLOY_TOKEN", "INTERNAL_API_TOKEN"]
APIKEY_KEYS = ["api_key", "apikey", "apiKey", "access_key", "ACCESS_KEY", "API_KEY", "x_api_key", "secret_access_key",
               "service_key", "SERVICE_API_KEY", "PARTNER_API_KEY", "MAPS_KEY", "license_key", "ingest_key"]


def generic_secret_value(r):
    k = r.randrange(7)
    if k == 0:
        return "django-insecure-" + S.rs(r, S.LOWNUM + "!@#$%^&*(-_=+)", 50)
    if k == 1:
        return S.rs(r, S.HEX, r.choice([32, 64, 128]))
    if k == 2:
        return S.b64(S.rbytes(r, r.choice([32, 48, 64])))
    if k == 3:
        return S.rs(r, S.ALNUM, r.choice([32, 40, 48]))
    if k == 4:
        return S.b64url(S.rbytes(r, 32))
    if k == 5:
        return S.password(r, "-_.")
    return S.rs(r, S.ALNUM + "-_", r.choice([24, 36, 44]))


# ---------------------------------------------------------------------------
# vocabulary
# ---------------------------------------------------------------------------

SERVICES = ["checkout", "billing-api", "auth-svc", "orders", "inventory", "notifier", "ingest-worker", "search",
            "gateway", "user-profile", "payments", "report-gen", "media-proc", "ledger", "webhooks", "scheduler"]
DB_HOSTS = ["db01.internal", "postgres.prod.svc.cluster.local", "orders-db.c9akciq32.us-east-1.rds.amazonaws.com",
            "10.0.3.15", "pg-primary", "mysql-0.mysql.default.svc", "localhost", "127.0.0.1",
            "analytics.cluster-ro-cx7.eu-west-1.rds.amazonaws.com", "db", "mariadb.staging.local"]
DB_NAMES = ["orders", "app_production", "billing", "users", "analytics", "inventory_v2", "postgres", "main"]
DB_USERS = ["app", "postgres", "root", "admin", "svc_orders", "readonly", "billing_rw", "django", "etl_user", "sa"]
API_HOSTS = ["api.github.com", "api.stripe.com", "api.openai.com", "api.anthropic.com", "hooks.slack.com",
             "api.sendgrid.com", "graph.facebook.com", "api.twilio.com", "api.internal.acme.io", "partner-api.globex.com",
             "billing.example-saas.net", "gitlab.com", "registry.npmjs.org", "api.datadoghq.com",
             "api.cloudflare.com", "api.digitalocean.com", "api.linear.app", "api.notion.com",
             "acme.atlassian.net", "api.vercel.com", "vault.service.consul", "s3.amazonaws.com",
             "storage.googleapis.com", "login.microsoftonline.com", "api.mailgun.net"]
PATHS = ["/v1/charges", "/v1/chat/completions", "/v1/messages", "/repos/acme/infra/pulls", "/api/v4/projects/42/jobs",
         "/v2/users/me", "/api/v1/orders?status=pending", "/oauth/token", "/v1/customers/cus_NffrFeUfNV2Hib",
         "/graphql", "/api/v2/series", "/user", "/v3/mail/send", "/2010-04-01/Accounts/AC0f2e/Messages.json",
         "/client/v4/zones", "/v1/secret/data/app/config", "/health", "/internal/sync", "/upload", "/api/search"]
USERS = ["jdoe", "mkowalski", "a.nguyen", "deploy", "ci-bot", "svc-etl", "admin", "priya.s", "ops", "lars.a"]
LOGGERS = ["app.sync", "worker.tasks", "api.client", "billing.charge", "auth.views", "ingest.pipeline",
           "notifications.email", "scheduler.jobs", "reports.export", "integrations.github"]
UA = ["python-requests/2.31.0", "python-httpx/0.27.0", "axios/1.6.7", "curl/8.5.0", "Go-http-client/1.1",
      "okhttp/4.12.0", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "aiohttp/3.9.3",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36",
      "Stripe/v1 PythonBindings/7.11.0", "octokit-rest.js/20.0.2", "aws-sdk-go-v2/1.24.1", "Boto3/1.34.51 Python/3.11.7"]


class Clock:
    MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    def __init__(self, r):
        self.r = r
        self.t = 1704067200.0 + r.randrange(0, 330 * 86400) + r.random()

    def tick(self, lo=0.001, hi=2.0):
        self.t += self.r.uniform(lo, hi)
        return self.t

    def _parts(self):
        import time
        return time.gmtime(self.t), int((self.t % 1) * 1e6)

    def iso(self, digits=3, z="Z"):
        tm, us = self._parts()
        frac = ("%06d" % us)[:digits]
        return "%04d-%02d-%02dT%02d:%02d:%02d%s%s" % (tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min,
                                                      tm.tm_sec, "." + frac if digits else "", z)

    def gha(self):
        return self.iso(7)

    def py(self):
        tm, us = self._parts()
        return "%04d-%02d-%02d %02d:%02d:%02d,%03d" % (tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min,
                                                        tm.tm_sec, us // 1000)

    def plain(self, sep=".", digits=3):
        tm, us = self._parts()
        return "%04d-%02d-%02d %02d:%02d:%02d%s%s" % (tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min,
                                                      tm.tm_sec, sep, ("%06d" % us)[:digits])

    def syslog(self):
        tm, _ = self._parts()
        return "%s %2d %02d:%02d:%02d" % (self.MONTHS[tm.tm_mon - 1], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec)

    def clf(self):
        tm, _ = self._parts()
        return "%02d/%s/%04d:%02d:%02d:%02d +0000" % (tm.tm_mday, self.MONTHS[tm.tm_mon - 1], tm.tm_year,
                                                      tm.tm_hour, tm.tm_min, tm.tm_sec)

    def http(self):
        import time
        return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(self.t))

    def epoch(self):
        return str(int(self.t))

    def epoch_ms(self):
        return str(int(self.t * 1000))

    def epoch_f(self):
        return "%.6f" % self.t

    def amz(self):
        tm, _ = self._parts()
        return "%04d%02d%02dT%02d%02d%02dZ" % (tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec)

    def ymd(self):
        tm, _ = self._parts()
        return "%04d%02d%02d" % (tm.tm_year, tm.tm_mon, tm.tm_mday)

    def hms(self):
        tm, us = self._parts()
        return "%02d:%02d:%02d.%03d" % (tm.tm_hour, tm.tm_min, tm.tm_sec, us // 1000)


# ---------------------------------------------------------------------------
# generation context
# ---------------------------------------------------------------------------

class G:
    def __init__(self, r):
        self.r = r
        self._decks = {}

    # randomness
    def pick(self, seq):
        return self.r.choice(seq)

    def chance(self, p):
        return self.r.random() < p

    def n(self, lo, hi):
        return self.r.randint(lo, hi)

    def deck(self, key, seq):
        """Round-robin over a shuffled copy of seq so every element gets used."""
        d = self._decks.get(key)
        if not d:
            d = list(seq)
            self.r.shuffle(d)
            self._decks[key] = d
        return d.pop()

    def clock(self):
        return Clock(self.r)

    # items
    def sec(self, type_, value, ctx=None):
        return Item(value, "secret", type_, ctx)

    def pii(self, type_, value, ctx=None):
        return Item(value, "pii", type_, ctx)

    # Very common benign values are labelled only part of the time (the rest stay in the text
    # unlabelled), which keeps the label file proportionate without changing what the text looks like.
    THIN = {"uuid": 0.5, "private-ip": 0.5, "llm-call-id": 0.5, "token-count": 0.6, "pod-name": 0.4,
            "span-id": 0.5, "trace-id": 0.6, "git-sha-short": 0.6}

    def ben(self, type_, value, ctx=None):
        p = self.THIN.get(type_)
        if p is not None and self.r.random() >= p:
            return value
        return Item(value, "benign", type_, ctx)

    # -- PII
    def email(self):
        return self.pii("email", S.email(self.r))

    def phone(self):
        return self.pii("phone", S.phone(self.r))

    def card(self):
        return self.pii("card", S.card(self.r))

    def iban(self):
        return self.pii("iban", S.iban(self.r))

    def ssn(self, bare=False):
        return self.pii("ssn", S.ssn_digits(self.r) if bare else S.ssn(self.r))

    def any_pii(self):
        k = self.deck("pii", ["email", "email", "email", "phone", "phone", "card", "iban", "ssn"])
        return getattr(self, k)()

    # -- benign
    def uuid(self):
        return self.ben("uuid", S.str_uuid(self.r))

    def sha(self):
        return self.ben("git-sha", S.git_sha(self.r))

    def short_sha(self):
        return self.ben("git-sha-short", S.short_sha(self.r))

    def sha256(self):
        return self.ben("sha256", S.sha256_hex(self.r))

    def md5(self):
        return self.ben("md5", S.md5_hex(self.r))

    def trace(self):
        return self.ben("trace-id", S.trace_id(self.r))

    def span(self):
        return self.ben("span-id", S.span_id(self.r))

    def traceparent(self):
        return self.ben("traceparent", S.traceparent(self.r))

    def ddid(self):
        return self.ben("dd-trace-id", S.dd_id(self.r))

    def addr(self):
        return self.ben("mem-address", S.mem_addr(self.r))

    def digest(self):
        return self.ben("image-digest", S.image_digest(self.r))

    def cursor(self):
        return self.ben("pagination-cursor", S.cursor(self.r))

    def epoch_ms(self, clk=None):
        return self.ben("epoch-ms", clk.epoch_ms() if clk else S.epoch_ms(self.r))

    def epoch(self, clk=None):
        return self.ben("epoch", clk.epoch() if clk else S.epoch(self.r))

    def version(self):
        return self.ben("version", S.version(self.r))

    def bad_luhn(self):
        return self.ben("luhn-invalid-16", S.luhn_invalid_16(self.r))

    def order_id(self):
        return self.ben("order-id", S.order_id(self.r))

    def private_ip(self):
        return self.ben("private-ip", S.private_ip(self.r))

    def placeholder(self, which=None):
        return self.ben("placeholder", which or S.placeholder(self.r))

    def pod(self, app=None):
        return self.ben("pod-name", S.pod_name(self.r, app))

    def nine(self):
        return self.ben("nine-digit-id", S.nine_digit_id(self.r))

    def any_benign(self):
        k = self.deck("benign", ["uuid", "uuid", "sha", "short_sha", "sha256", "md5", "trace", "ddid", "addr",
                                 "digest", "cursor", "epoch_ms", "version", "bad_luhn", "order_id", "private_ip"])
        return getattr(self, k)()

    # -- secrets
    def spec(self, pool=None, key="all"):
        return self.deck("spec:" + key, pool or CATALOG)

    def provider(self, pool=None, key="all"):
        sp = self.spec(pool, key)
        return sp, self.sec(sp.type, sp.fn(self.r))

    def pem(self, t=None):
        t = t or self.deck("pem", PEM_TYPES)
        return self.sec(t, S.PRIVATE_KEYS[t](self.r))

    def password(self, symbols="!@#$%^&*-_=+.?~", type_="password"):
        return self.sec(type_, S.password(self.r, symbols))

    def generic(self, kind=None):
        """(key name, Item) for a context-only secret assignment."""
        kind = kind or self.deck("generic", ["password", "password", "password", "secret", "token", "apikey"])
        if kind == "password":
            return self.pick(PASSWORD_KEYS), self.password("!@#$%^&*-_=+.?~")
        if kind == "secret":
            return self.pick(SECRET_KEYS), self.sec("generic-secret", generic_secret_value(self.r))
        if kind == "token":
            return self.pick(TOKEN_KEYS), self.sec("generic-token", S.opaque_token(self.r))
        return self.pick(APIKEY_KEYS), self.sec("generic-api-key", S.rs(self.r, self.pick([S.HEX, S.ALNUM]), self.pick([32, 40])))

    def named_secret(self, style="env"):
        """(name, fragment) for a secret assigned to a variable: provider, generic, URL or PEM."""
        k = self.deck("named", ["provider"] * 14 + ["generic"] * 6 + ["url"] * 3 + ["pem"])
        if k == "provider":
            sp, it = self.provider()
            return style_name(self.pick(sp.names), style), F(it)
        if k == "generic":
            name, it = self.generic()
            return style_name(name, style) if name.isupper() else name, F(it)
        if k == "url":
            name, frag = self.url_secret()
            return style_name(name, style), frag
        return style_name(self.pick(PEM_NAMES), style), F(self.pem())

    # -- URL-borne secrets
    def conn_url(self, scheme=None):
        """A connection URL with a password: (name, fragment)."""
        r = self.r
        scheme = scheme or self.deck("scheme", ["postgres", "postgresql", "postgresql+psycopg2", "mysql", "mysql+pymysql",
                                                "mongodb", "mongodb+srv", "redis", "rediss", "amqp", "amqps",
                                                "https", "ftp", "smtp", "sqlserver", "clickhouse", "nats"])
        user = self.pick(DB_USERS)
        pw = self.sec("url-password", S.url_password(r))
        if scheme.startswith("postgres"):
            host, tail, name = self.pick(DB_HOSTS), ":5432/" + self.pick(DB_NAMES) + self.pick(["", "?sslmode=require", "?sslmode=disable&application_name=" + self.pick(SERVICES)]), "DATABASE_URL"
        elif scheme.startswith("mysql"):
            host, tail, name = self.pick(DB_HOSTS), ":3306/" + self.pick(DB_NAMES) + self.pick(["", "?charset=utf8mb4"]), "MYSQL_URL"
        elif scheme == "mongodb+srv":
            host, tail, name = "cluster0.%s.mongodb.net" % S.rs(r, S.LOWNUM, 5), "/" + self.pick(DB_NAMES) + "?retryWrites=true&w=majority", "MONGODB_URI"
        elif scheme == "mongodb":
            host, tail, name = "mongo-0.mongo:27017,mongo-1.mongo:27017", "/admin?replicaSet=rs0&authSource=admin", "MONGO_URL"
        elif scheme.startswith("redis"):
            user = self.pick(["", "default", ""])
            host, tail, name = self.pick(["redis", "redis-master.cache.svc", "cache01.internal", "master.prod-redis.abc123.use1.cache.amazonaws.com"]), ":6379/0", "REDIS_URL"
        elif scheme.startswith("amqp"):
            host, tail, name = self.pick(["rabbitmq", "mq.internal", "b-3f2c.mq.us-east-1.amazonaws.com"]), ":5672/%2F", "CELERY_BROKER_URL"
        elif scheme == "https":
            host, tail, name = self.pick(["git.internal.acme.io", "nexus.acme.io", "registry.acme.io", "artifactory.globex.com"]), self.pick(["/repository/pypi/simple", "/acme/infra.git", "/v2/"]), "PIP_INDEX_URL"
        elif scheme == "ftp":
            host, tail, name = self.pick(["ftp.partner.globex.com", "10.20.0.8"]), "/outbound/", "FTP_URL"
        elif scheme == "smtp":
            host, tail, name = self.pick(["smtp.sendgrid.net", "smtp.mailgun.org", "email-smtp.eu-west-1.amazonaws.com"]), ":587", "EMAIL_URL"
        elif scheme == "sqlserver":
            host, tail, name = self.pick(["sql01.corp.local", "acme.database.windows.net"]), ":1433?database=" + self.pick(DB_NAMES), "MSSQL_URL"
        elif scheme == "clickhouse":
            host, tail, name = "clickhouse.analytics.svc", ":9000/default", "CLICKHOUSE_URL"
        else:
            host, tail, name = "nats.nats.svc", ":4222", "NATS_URL"
        frag = F(scheme, "://", user, ":", pw, "@", host, tail)
        return name, frag

    def jdbc(self):
        r = self.r
        pw = self.sec("jdbc-password", S.password(r, "!$^*-_.~"))
        k = r.randrange(4)
        if k == 0:
            return F("jdbc:postgresql://", self.pick(DB_HOSTS), ":5432/", self.pick(DB_NAMES), "?user=", self.pick(DB_USERS), "&password=", pw, self.pick(["", "&ssl=true", "&sslmode=verify-full"]))
        if k == 1:
            return F("jdbc:mysql://", self.pick(DB_HOSTS), ":3306/", self.pick(DB_NAMES), "?user=", self.pick(DB_USERS), "&password=", pw, "&useSSL=false&serverTimezone=UTC")
        if k == 2:
            return F("jdbc:sqlserver://", self.pick(["sql01.corp.local", "acme.database.windows.net"]), ":1433;databaseName=", self.pick(DB_NAMES), ";user=", self.pick(DB_USERS), ";password=", pw, ";encrypt=true;trustServerCertificate=false")
        return F("jdbc:oracle:thin:", self.pick(DB_USERS), "/", pw.with_value(pw.value), "@//ora-prod.corp.local:1521/ORCLPDB1")

    def odbc(self):
        pw = self.sec("odbc-password", S.password(self.r, "!$^*-_.~@"))
        k = self.r.randrange(3)
        if k == 0:
            return F("Driver={ODBC Driver 18 for SQL Server};Server=tcp:", self.pick(["acme.database.windows.net,1433", "sql01.corp.local"]), ";Database=", self.pick(DB_NAMES), ";Uid=", self.pick(DB_USERS), ";Pwd=", pw, ";Encrypt=yes;TrustServerCertificate=no;Connection Timeout=30;")
        if k == 1:
            return F("Server=", self.pick(["sql01.corp.local", "tcp:acme.database.windows.net,1433"]), ";Database=", self.pick(DB_NAMES), ";User Id=", self.pick(DB_USERS), ";Password=", pw, ";MultipleActiveResultSets=true")
        return F("Host=", self.pick(DB_HOSTS), ";Port=5432;Database=", self.pick(DB_NAMES), ";Username=", self.pick(DB_USERS), ";Password=", pw, ";SSL Mode=Require")

    def azure_conn(self):
        r = self.r
        k = r.randrange(3)
        acct = self.pick(["acmeprodstore", "globexlogs", "initechbackup", "stcheckoutweu01"])
        if k == 0:
            return "AZURE_STORAGE_CONNECTION_STRING", F("DefaultEndpointsProtocol=https;AccountName=", acct, ";AccountKey=",
                     self.sec("azure-storage-key", S.azure_storage_key(r)), ";EndpointSuffix=core.windows.net")
        if k == 1:
            return "SERVICEBUS_CONNECTION_STRING", F("Endpoint=sb://", self.pick(["acme-prod", "globex-events"]), ".servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=",
                     self.sec("azure-servicebus-key", S.azure_sb_key(r)))
        return "COSMOS_CONNECTION_STRING", F("AccountEndpoint=https://", self.pick(["acme-cosmos", "orders-db"]), ".documents.azure.com:443/;AccountKey=",
                 self.sec("azure-cosmos-key", S.azure_storage_key(r)), ";")

    def sas_url(self):
        r = self.r
        c = self.clock()
        acct = self.pick(["acmeprodstore", "globexlogs", "stexports01"])
        return F("https://", acct, ".blob.core.windows.net/", self.pick(["exports", "backups", "uploads"]), "/",
                 self.pick(["report-2024-03.csv", "db-dump.sql.gz", "invoice.pdf"]), "?sv=2022-11-02&ss=b&srt=sco&sp=",
                 self.pick(["r", "rl", "rwdlac"]), "&se=", c.iso(0), "&st=", c.iso(0), "&spr=https&sig=",
                 self.sec("azure-sas-sig", S.azure_sas_sig(r)))

    def presigned_s3(self):
        r = self.r
        c = self.clock()
        return F("https://", self.pick(["acme-exports", "globex-uploads", "ci-artifacts-prod"]), ".s3.",
                 self.pick(["us-east-1", "eu-west-1"]), ".amazonaws.com/", self.pick(["reports/2024/q1.csv", "tmp/upload-9f2c.bin", "builds/app-1.4.2.tar.gz"]),
                 "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=",
                 self.sec("aws-access-key-id", S.aws_access_key_id(r)), "%2F", c.ymd(), "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=",
                 c.amz(), "&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=",
                 self.sec("x-amz-signature", S.rs(r, S.HEX, 64)))

    def url_secret(self):
        """(name, fragment) of a URL whose secret part is labelled."""
        r = self.r
        k = self.deck("urlsec", ["slack", "discord", "sentry", "telegram", "conn", "conn", "conn", "sas", "s3", "query"])
        if k == "slack":
            return "SLACK_WEBHOOK_URL", F(S.slack_webhook_prefix(r), self.sec("slack-webhook", S.slack_webhook_secret(r)))
        if k == "discord":
            return "DISCORD_WEBHOOK_URL", F("https://", self.pick(["discord.com", "discordapp.com"]), "/api/webhooks/",
                                            str(r.randrange(10**17, 2 * 10**18)), "/", self.sec("discord-webhook", S.discord_webhook_secret(r)))
        if k == "sentry":
            return "SENTRY_DSN", F("https://", self.sec("sentry-dsn", S.sentry_dsn_key(r)), "@o", str(r.randrange(10**5, 10**7)),
                                   self.pick([".ingest.sentry.io/", ".ingest.us.sentry.io/", ".ingest.de.sentry.io/"]), str(r.randrange(10**6, 10**7)))
        if k == "telegram":
            return "TELEGRAM_API_URL", F("https://api.telegram.org/bot", self.sec("telegram-bot-token", S.telegram_bot_token(r)), "/sendMessage")
        if k == "sas":
            return "EXPORT_SAS_URL", self.sas_url()
        if k == "s3":
            return "DOWNLOAD_URL", self.presigned_s3()
        if k == "query":
            return "CALLBACK_URL", self.query_url()
        return self.conn_url()

    def query_url(self, host=None):
        r = self.r
        k = self.deck("qparam", ["access_token", "client_secret", "api_key", "key", "token", "sig", "apikey", "auth"])
        host = host or self.pick(API_HOSTS)
        path = self.pick(["/v1/export", "/oauth/callback", "/api/v2/events", "/maps/api/geocode/json", "/v3/items", "/hooks/ingest", "/api/data"])
        pre = self.pick(["", "format=json&", "page=2&per_page=50&", "q=status%3Aopen&"])
        if k == "access_token":
            v = self.sec("query-access-token", S.opaque_token(r)) if self.chance(0.6) else self.provider(PREFIXED, "q")[1]
        elif k == "client_secret":
            v = self.sec("query-client-secret", S.rs(r, S.ALNUM + "-_", 40))
            pre = pre + "client_id=" + S.rs(r, S.LOWNUM, 20) + "&"
        elif k == "key":
            v = self.sec("gcp-api-key", S.gcp_api_key(r))
        elif k == "sig":
            v = self.sec("query-sig", S.azure_sas_sig(r))
            pre = pre + "se=2024-12-31T00%3A00%3A00Z&sp=r&"
        else:
            v = self.sec("query-api-key", S.rs(r, self.pick([S.HEX, S.ALNUM]), self.pick([32, 40])))
        return F("https://", host, path, "?", pre, k, "=", v, self.pick(["", "&lang=en", "&ts=1712345678"]))

    # -- HTTP headers
    def basic_blob(self, type_="basic-auth-header"):
        r = self.r
        user = self.pick(USERS + ["api", "admin", "AC" + S.rs(r, S.HEX, 32), "", "x-access-token", "__token__"])
        pw = S.password(r, "!@#$%^&*-_=+.?~") if self.chance(0.7) else S.opaque_token(r)
        return self.sec(type_, S.b64(("%s:%s" % (user, pw)).encode()))

    def auth_header(self):
        """(header name, value fragment) carrying a secret."""
        r = self.r
        k = self.deck("authhdr", ["bearer-opaque", "bearer-opaque", "bearer-jwt", "bearer-provider", "bearer-provider",
                                  "basic", "basic", "token", "digest", "sigv4", "proxy", "cookie", "cookie",
                                  "x-api-key", "x-auth-token", "x-amz-security-token", "provider-header"])
        if k == "bearer-opaque":
            return "Authorization", F("Bearer ", self.sec("bearer-header", S.opaque_token(r)))
        if k == "bearer-jwt":
            return "Authorization", F(self.pick(["Bearer ", "Bearer ", "bearer ", "JWT "]), self.sec("jwt", S.jwt(r)))
        if k == "bearer-provider":
            sp = self.spec([s for s in HEADERABLE if ("Authorization", "Bearer ") in s.headers], "bearer")
            return "Authorization", F("Bearer ", self.sec(sp.type, sp.fn(r)))
        if k == "basic":
            return "Authorization", F("Basic ", self.basic_blob())
        if k == "token":
            return "Authorization", F(self.pick(["Token ", "token "]), self.sec("token-auth-header", S.opaque_token(r)))
        if k == "digest":
            return "Authorization", F('Digest username="', self.pick(USERS), '", realm="', self.pick(["api@acme.io", "Restricted", "camera"]),
                                      '", nonce="', self.ben("digest-nonce", S.rs(r, S.HEX, 32)), '", uri="', self.pick(PATHS).split("?")[0],
                                      '", algorithm=MD5, qop=auth, nc=0000000', str(r.randrange(1, 9)), ', cnonce="', self.ben("digest-nonce", S.rs(r, S.HEX, 16)),
                                      '", response="', self.sec("digest-response", S.rs(r, S.HEX, 32)), '", opaque="', self.ben("digest-nonce", S.rs(r, S.HEX, 32)), '"')
        if k == "sigv4":
            c = self.clock()
            return "Authorization", F("AWS4-HMAC-SHA256 Credential=", self.sec("aws-access-key-id", S.aws_access_key_id(r)), "/", c.ymd(), "/",
                                      self.pick(["us-east-1", "eu-west-1", "us-west-2"]), "/", self.pick(["s3", "sqs", "execute-api", "dynamodb"]),
                                      "/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=",
                                      self.sec("sigv4-signature", S.rs(r, S.HEX, 64)))
        if k == "proxy":
            if self.chance(0.7):
                return "Proxy-Authorization", F("Basic ", self.basic_blob("proxy-authorization"))
            return "Proxy-Authorization", F("Bearer ", self.sec("proxy-authorization", S.opaque_token(r)))
        if k == "cookie":
            return "Cookie", self.cookie_value()
        if k == "x-api-key":
            if self.chance(0.5):
                return self.pick(["X-Api-Key", "X-API-Key", "x-api-key"]), F(self.sec("x-api-key", S.rs(r, self.pick([S.HEX, S.ALNUM, S.B64URL]), self.pick([32, 40, 48]))))
            sp = self.spec([s for s in PREFIXED if s.type not in ("jwt", "k8s-sa-token", "aws-access-key-id")], "xapikey")
            return "X-Api-Key", F(self.sec(sp.type, sp.fn(r)))
        if k == "x-auth-token":
            return self.pick(["X-Auth-Token", "X-Auth-Token", "X-Access-Token", "X-Session-Token"]), F(self.sec("x-auth-token", S.opaque_token(r)))
        if k == "x-amz-security-token":
            return "X-Amz-Security-Token", F(self.sec("aws-session-token", S.aws_session_token(r)))
        sp = self.spec([s for s in HEADERABLE if any(h != ("Authorization", "Bearer ") for h in s.headers)], "provhdr")
        h, scheme = self.pick([h for h in sp.headers if h != ("Authorization", "Bearer ")])
        return h, F(scheme, self.sec(sp.type, sp.fn(r)))

    def cookie_value(self):
        r = self.r
        parts = []
        if self.chance(0.5):
            parts.append(F("_ga=", self.ben("analytics-cookie", "GA1.1.%d.%s" % (r.randrange(10**8, 10**10), S.epoch(r)))))
        name = self.pick(S.SESSION_COOKIES)
        parts.append(F(name, "=", self.sec("cookie", S.session_cookie(r, name))))
        if self.chance(0.4):
            parts.append(F("csrftoken=", S.rs(r, S.ALNUM, 32)))
        if self.chance(0.3):
            parts.append(F(self.pick(["theme=dark", "lang=en-US", "tz=Europe%2FBerlin", "cookie_consent=1"])))
        if self.chance(0.2):
            name2 = self.pick(["remember_user_token", "refresh_token", "XSRF-TOKEN"])
            if name2 == "XSRF-TOKEN":
                parts.append(F(name2, "=", S.rs(r, S.B64URL, 40)))
            else:
                parts.append(F(name2, "=", self.sec("cookie", S.opaque_token(r))))
        r.shuffle(parts)
        return join("; ", parts)

    def set_cookie(self):
        r = self.r
        name = self.pick(S.SESSION_COOKIES)
        c = self.clock()
        c.tick(86400, 86400 * 30)
        return F(name, "=", self.sec("set-cookie", S.session_cookie(r, name)), "; ",
                 self.pick(["Path=/; HttpOnly; Secure; SameSite=Lax", "expires=" + c.http() + "; path=/; secure; HttpOnly; SameSite=Lax",
                            "Max-Age=1209600; Path=/; HttpOnly", "Domain=.acme.io; Path=/; Secure; HttpOnly; SameSite=None"]))

    def benign_headers(self, kind="req", n=None):
        r = self.r
        pool = [
            ("User-Agent", lambda: F(self.pick(UA))),
            ("Accept", lambda: F(self.pick(["application/json", "*/*", "application/vnd.github+json", "text/html,application/xhtml+xml"]))),
            ("Accept-Encoding", lambda: F("gzip, deflate, br")),
            ("Content-Type", lambda: F(self.pick(["application/json", "application/x-www-form-urlencoded", "application/json; charset=utf-8"]))),
            ("X-Request-Id", lambda: F(self.uuid())),
            ("traceparent", lambda: F(self.traceparent())),
            ("X-B3-TraceId", lambda: F(self.ben("b3-trace-id", S.rs(r, S.HEX, self.pick([16, 32]))))),
            ("X-Datadog-Trace-Id", lambda: F(self.ddid())),
            ("If-None-Match", lambda: F('W/"', self.md5(), '"')),
            ("X-Amz-Content-Sha256", lambda: F(self.sha256())),
            ("X-GitHub-Api-Version", lambda: F("2022-11-28")),
            ("Connection", lambda: F("keep-alive")),
            ("Content-Length", lambda: F(str(r.randrange(2, 9000)))),
            ("X-Forwarded-For", lambda: F(self.private_ip())),
            ("Idempotency-Key", lambda: F(self.uuid())),
        ]
        n = n if n is not None else r.randint(2, 4)
        chosen = r.sample(pool, n)
        return [(h, fn()) for h, fn in chosen]

    def header_set(self, n_secret=1, n_benign=None, resp=False):
        hs = self.benign_headers(n=n_benign)
        for _ in range(n_secret):
            hs.insert(self.r.randrange(len(hs) + 1), self.auth_header())
        return hs

    # -- header renderings
    def render_headers(self, hs, style, indent=""):
        """Render (name, frag) header pairs in one of many syntaxes; sets ctx on items."""
        lower = style in ("js-inspect", "node-raw", "otel-kv", "otel-json", "httpx", "h2")
        out = []
        if lower:
            hs = [(h.lower(), v) for h, v in hs]
        if style in ("raw", "h2"):
            out = [F(indent, h, ": ", v, "\n") for h, v in hs]
        elif style == "curl-v-req":
            out = [F("> ", h, ": ", v, "\n") for h, v in hs]
        elif style == "curl-v-resp":
            out = [F("< ", h, ": ", v, "\n") for h, v in hs]
        elif style == "curl-H":
            q = self.pick(["'", '"'])
            out = [F(" -H ", q, h, ": ", v, q) for h, v in hs]
        elif style == "py-dict":
            out = [F("{", join(", ", [F(pystr(h), ": ", pystr(v)) for h, v in hs]), "}")]
        elif style == "py-cidict":
            out = [F("CaseInsensitiveDict({", join(", ", [F(pystr(h), ": ", pystr(v)) for h, v in hs]), "})")]
        elif style == "httpx":
            out = [F("Headers({", join(", ", [F(pystr(h), ": ", pystr(v)) for h, v in hs]), "})")]
        elif style == "aiohttp":
            out = [F("<CIMultiDictProxy(", join(", ", [F(pystr(h), ": ", pystr(v)) for h, v in hs]), ")>")]
        elif style == "js-inspect":
            out = [F("{\n", join(",\n", [F(indent, "  ", js_key(h), ": ", jsstr(v)) for h, v in hs]), "\n", indent, "}")]
        elif style == "node-raw":
            out = [F("[\n", join(",\n", [F(indent, "  ", jsstr(h), ",\n", indent, "  ", jsstr(v)) for h, v in hs]), "\n", indent, "]")]
        elif style == "json-obj":
            out = [F("{", join(",", [F(jstr(h), ":", jstr(v)) for h, v in hs]), "}")]
        elif style == "json-pairs":
            out = [F("[", join(",", [F("[", jstr(h), ",", jstr(v), "]") for h, v in hs]), "]")]
        elif style == "har":
            out = [F("[", join(", ", [F('{"name": ', jstr(h), ', "value": ', jstr(v), "}") for h, v in hs]), "]")]
        elif style == "go-map":
            out = [F("map[", join(" ", [F(h, ":[", v, "]") for h, v in sorted(hs, key=lambda x: x[0])]), "]")]
        elif style == "go-header":
            out = [F("http.Header{", join(", ", [F(gostr(h), ":[]string{", gostr(v), "}") for h, v in hs]), "}")]
        elif style == "ruby":
            out = [F("{", join(", ", [F(jstr(h), "=>", jstr(v)) for h, v in hs]), "}")]
        elif style == "otel-kv":
            out = [F(indent, "http.request.header.", h, "=", jstr(v), "\n") for h, v in hs]
        elif style == "otel-json":
            out = [F("[", join(",", [F('{"key":"http.request.header.', h, '","value":{"arrayValue":{"values":[{"stringValue":', jstr(v), "}]}}}") for h, v in hs]), "]")]
        else:
            raise ValueError(style)
        frag = F(out)
        return set_ctx(frag, style)

    # -- assignments
    def assign(self, name, frag, style, indent=""):
        """Render NAME=value in a syntax; returns fragment (with trailing newline for line styles)."""
        if style == "env":
            t = text(frag)
            its = items(frag)
            if len(its) == 1 and its[0].type == "placeholder" and its[0].value == t:
                v = frag  # ${VAR} references stay bare so dotenv can expand them
            elif "\n" in t or ("'" in t and any(c in t for c in '"$`\\')):
                v = F('"', esc(frag, lambda s: s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("$", "\\$").replace("`", "\\`")), '"')
            elif self.chance(0.3) or any(c in t for c in " #$`\\\"'!&;|<>()"):
                v = F("'", frag, "'") if "'" not in t else F('"', frag, '"')
            else:
                v = frag
            out = F(indent, name, "=", v, "\n")
        elif style == "export":
            out = F(indent, "export ", name, "=", shq(frag), "\n")
        elif style == "yaml":
            t = text(frag)
            if "\n" in t:
                lines = t.split("\n")
                out = F(indent, name, ": |\n", self._indent_block(frag, indent + "  "), "\n")
            else:
                out = F(indent, name, ": ", yaml_scalar(frag), "\n")
        elif style == "toml":
            t = text(frag)
            if "\n" in t:
                out = F(indent, name, ' = """\n', frag, '\n"""\n')
            else:
                out = F(indent, name, " = ", jstr(frag), "\n")
        elif style == "ini":
            out = F(indent, name, " = ", frag, "\n")
        elif style == "properties":
            out = F(indent, name, "=", frag, "\n")
        elif style == "logfmt":
            out = F(name, "=", logfmt_val(frag))
        elif style == "json":
            out = F(jstr(name), ": ", jstr(frag))
        elif style == "py":
            out = F(pystr(name), ": ", pystr(frag))
        elif style == "pylocal":
            out = F(indent, name, " = ", pystr(frag), "\n")
        elif style == "js":
            out = F(js_key(name), ": ", jsstr(frag))
        elif style == "k8s-env":
            out = F(indent, "- name: ", name, "\n", indent, "  value: ", yaml_scalar(frag) if "\n" not in text(frag) else jstr(frag), "\n")
        elif style == "docker-env":
            out = F(jstr(F(name, "=", frag)))
        elif style == "ruby":
            out = F(jstr(name), "=>", jstr(frag))
        elif style == "go":
            out = F(name, ":", frag)
        else:
            raise ValueError(style)
        return set_ctx(out, style)

    def _indent_block(self, frag, ind):
        out = [ind]
        for p in F(frag):
            if isinstance(p, str):
                out.append(p.replace("\n", "\n" + ind))
            else:
                # multi-line labelled values (PEM) keep their own newlines; indent continuation lines
                out.append(p.with_value(p.value.replace("\n", "\n" + ind)))
        return out
