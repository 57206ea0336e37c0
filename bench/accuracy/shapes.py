"""Value shapes for the accuracy corpus: secrets, PII and benign look-alikes.

Every function takes a ``random.Random`` and returns a string.  Shapes follow the
providers' public documentation (prefixes, lengths, alphabets, checksums where the
provider uses one); all values are random and never valid credentials.
"""

import base64
import json
import string
import struct
import urllib.parse
import zlib

DIG = string.digits
UP = string.ascii_uppercase
LO = string.ascii_lowercase
ALNUM = DIG + UP + LO
LOWNUM = LO + DIG
UPNUM = UP + DIG
HEX = "0123456789abcdef"
HEXU = HEX.upper()
B64 = UP + LO + DIG + "+/"
B64URL = UP + LO + DIG + "-_"
B32 = UP + "234567"
BASE62 = DIG + UP + LO
BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"


def rs(r, alpha, n):
    return "".join(r.choices(alpha, k=n))


def rbytes(r, n):
    return bytes(r.getrandbits(8) for _ in range(n))


def b64(data):
    return base64.b64encode(data).decode()


def b64url(data, pad=False):
    s = base64.urlsafe_b64encode(data).decode()
    return s if pad else s.rstrip("=")


def b62(n, width=6):
    s = ""
    while n:
        n, rem = divmod(n, 62)
        s = BASE62[rem] + s
    return s.rjust(width, "0")


def crc_token(r, prefix, n=30):
    """GitHub / npm style: prefix + n base62 chars + base62(crc32) padded to 6."""
    body = rs(r, ALNUM, n)
    return prefix + body + b62(zlib.crc32(body.encode()))


# ---------------------------------------------------------------------------
# PEM / key material
# ---------------------------------------------------------------------------

def _wrap(s, width):
    return "\n".join(s[i:i + width] for i in range(0, len(s), width))


def _der_len(n):
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return bytes([0x81, n])
    return bytes([0x82, n >> 8, n & 0xFF])


def _int(r, nbytes):
    body = b"\x00" + bytes([0x80 | r.getrandbits(7)]) + rbytes(r, nbytes - 1)
    return b"\x02" + _der_len(len(body)) + body


def rsa_der(r, bits=2048):
    n = bits // 8
    h = n // 2
    parts = (b"\x02\x01\x00" + _int(r, n) + b"\x02\x03\x01\x00\x01" + _int(r, n)
             + _int(r, h) + _int(r, h) + _int(r, h) + _int(r, h) + _int(r, h))
    return b"\x30" + _der_len(len(parts)) + parts


def pkcs8_der(r):
    inner = rsa_der(r)
    alg = bytes.fromhex("300d06092a864886f70d0101010500")
    octet = b"\x04" + _der_len(len(inner)) + inner
    parts = b"\x02\x01\x00" + alg + octet
    return b"\x30" + _der_len(len(parts)) + parts


def ec_der(r):
    return (bytes.fromhex("30770201010420") + rbytes(r, 32)
            + bytes.fromhex("a00a06082a8648ce3d030107a144034200") + b"\x04" + rbytes(r, 64))


def pem(kind, der, width=64):
    return "-----BEGIN %s-----\n%s\n-----END %s-----" % (kind, _wrap(b64(der), width), kind)


def rsa_private_key(r):
    return pem("RSA PRIVATE KEY", rsa_der(r))


def pkcs8_private_key(r):
    return pem("PRIVATE KEY", pkcs8_der(r))


def ec_private_key(r):
    return pem("EC PRIVATE KEY", ec_der(r))


def _sshstr(b):
    if isinstance(b, str):
        b = b.encode()
    return struct.pack(">I", len(b)) + b


def openssh_private_key(r, comment=None):
    comment = comment or "%s@%s" % (r.choice(["deploy", "ci", "ubuntu", "git", "root", "jenkins"]),
                                    r.choice(["ci-runner-04", "build-7f2c", "bastion", "laptop", "ip-10-0-3-17"]))
    pub = rbytes(r, 32)
    pubblob = _sshstr("ssh-ed25519") + _sshstr(pub)
    check = rbytes(r, 4)
    priv = check + check + _sshstr("ssh-ed25519") + _sshstr(pub) + _sshstr(rbytes(r, 32) + pub) + _sshstr(comment)
    pad = 1
    while len(priv) % 8:
        priv += bytes([pad])
        pad += 1
    blob = (b"openssh-key-v1\x00" + _sshstr("none") + _sshstr("none") + _sshstr(b"")
            + struct.pack(">I", 1) + _sshstr(pubblob) + _sshstr(priv))
    return pem("OPENSSH PRIVATE KEY", blob, 70)


def _crc24(data):
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def pgp_private_key(r):
    body = b"\x95\x03\x98\x04" + struct.pack(">I", 1700000000 + r.randrange(60000000)) + rbytes(r, 930)
    crc = b64(_crc24(body).to_bytes(3, "big"))
    return ("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n%s\n=%s\n-----END PGP PRIVATE KEY BLOCK-----"
            % (_wrap(b64(body), 64), crc))


PRIVATE_KEYS = {
    "rsa-private-key": rsa_private_key,
    "pkcs8-private-key": pkcs8_private_key,
    "ec-private-key": ec_private_key,
    "openssh-private-key": openssh_private_key,
    "pgp-private-key": pgp_private_key,
}


# ---------------------------------------------------------------------------
# JWTs
# ---------------------------------------------------------------------------

def _jwt(r, header, payload, sig_bytes):
    enc = lambda o: b64url(json.dumps(o, separators=(",", ":")).encode())
    return "%s.%s.%s" % (enc(header), enc(payload), b64url(rbytes(r, sig_bytes)))


def jwt(r):
    now = 1700000000 + r.randrange(40000000)
    alg = r.choice(["HS256", "RS256", "RS256", "ES256"])
    header = {"alg": alg, "typ": "JWT"}
    if alg != "HS256":
        header["kid"] = rs(r, B64URL, r.choice([16, 22, 43]))
    payload = r.choice([
        {"sub": str(r.randrange(10**5, 10**8)), "iat": now, "exp": now + 3600},
        {"iss": "https://%s.auth0.com/" % r.choice(["acme", "globex-prod", "initech"]),
         "sub": "auth0|" + rs(r, HEX, 24), "aud": ["https://api.acme.io", "https://acme.auth0.com/userinfo"],
         "iat": now, "exp": now + 86400, "azp": rs(r, ALNUM, 32), "scope": "openid profile email"},
        {"aud": "authenticated", "exp": now + 3600, "sub": rs(r, HEX, 8) + "-" + rs(r, HEX, 4) + "-4" + rs(r, HEX, 3)
         + "-a" + rs(r, HEX, 3) + "-" + rs(r, HEX, 12), "role": "authenticated", "session_id": rs(r, HEX, 32)},
        {"iss": "https://login.microsoftonline.com/%s/v2.0" % rs(r, HEX, 8), "oid": rs(r, HEX, 32), "tid": rs(r, HEX, 32),
         "nbf": now, "exp": now + 3900, "ver": "2.0", "scp": "User.Read"},
        {"user_id": r.randrange(1000, 999999), "username": r.choice(["jdoe", "ops-bot", "svc_ingest", "mkowalski"]),
         "exp": now + 900, "jti": rs(r, HEX, 32), "token_type": "access"},
    ])
    sig = {"HS256": 32, "RS256": 256, "ES256": 64}[alg]
    return _jwt(r, header, payload, sig)


def k8s_sa_token(r):
    now = 1700000000 + r.randrange(40000000)
    ns = r.choice(["default", "payments", "ci", "kube-system", "monitoring"])
    sa = r.choice(["deployer", "default", "argocd-server", "ci-bot", "prometheus"])
    header = {"alg": "RS256", "kid": rs(r, B64URL, 43)}
    payload = {"aud": ["https://kubernetes.default.svc.cluster.local"], "exp": now + 31536000, "iat": now,
               "iss": "https://kubernetes.default.svc.cluster.local",
               "kubernetes.io": {"namespace": ns, "serviceaccount": {"name": sa, "uid": str_uuid(r)}},
               "nbf": now, "sub": "system:serviceaccount:%s:%s" % (ns, sa)}
    return _jwt(r, header, payload, 256)


def supabase_service_jwt(r):
    now = 1690000000 + r.randrange(10000000)
    payload = {"iss": "supabase", "ref": rs(r, LO, 20), "role": "service_role", "iat": now, "exp": now + 315360000}
    return _jwt(r, {"alg": "HS256", "typ": "JWT"}, payload, 32)


# ---------------------------------------------------------------------------
# provider tokens
# ---------------------------------------------------------------------------

def aws_access_key_id(r):
    return r.choice(["AKIA", "AKIA", "AKIA", "ASIA"]) + rs(r, B32, 16)


def aws_secret_access_key(r):
    return rs(r, UP + LO + DIG + "+/", 40)


def aws_session_token(r):
    head = r.choice(["IQoJb3JpZ2luX2VjE", "FwoGZXIvYXdzE", "IQoJb3JpZ2luX2VjEP"])
    body = rs(r, UP + LO + DIG + "+/", r.choice([340, 400, 580, 720]))
    return head + body + r.choice(["", "=", "=="])


def gcp_api_key(r):
    return "AIza" + rs(r, B64URL, 35)


def google_oauth_client_secret(r):
    return "GOCSPX-" + rs(r, B64URL, 28)


def google_oauth_access_token(r):
    return "ya29." + rs(r, B64URL, r.choice([150, 180, 215]))


def google_refresh_token(r):
    return "1//0" + r.choice("egcdf") + rs(r, B64URL, 98)


def firebase_fcm_key(r):
    return "AAAA" + rs(r, B64URL, 7) + ":APA91b" + rs(r, B64URL, 134)


def azure_storage_key(r):
    return b64(rbytes(r, 64))


def azure_sas_sig(r):
    return urllib.parse.quote(b64(rbytes(r, 32)), safe="")


def azure_ad_client_secret(r):
    return rs(r, ALNUM, 3) + r.choice(DIG) + "Q~" + rs(r, ALNUM + "_~.-", 34)


def azure_sb_key(r):
    return b64(rbytes(r, 32))


def azure_devops_pat(r):
    return rs(r, LO + "234567", 52)


def azure_openai_key(r):
    return rs(r, HEX, 32)


def github_pat(r):
    return crc_token(r, "ghp_")


def github_oauth(r):
    return crc_token(r, "gho_")


def github_u2s(r):
    return crc_token(r, "ghu_")


def github_s2s(r):
    return crc_token(r, "ghs_")


def github_refresh(r):
    return crc_token(r, "ghr_")


def github_fine_grained(r):
    return "github_pat_11" + rs(r, UPNUM, 20) + "_" + rs(r, ALNUM, 59)


def gitlab_pat(r):
    return "glpat-" + rs(r, ALNUM + "-_", 20)


def gitlab_deploy_token(r):
    return "gldt-" + rs(r, ALNUM + "-_", 20)


def gitlab_runner_token(r):
    return "glrt-" + rs(r, ALNUM + "-_", 20)


def gitlab_trigger_token(r):
    return "glptt-" + rs(r, HEX, 40)


def slack_bot(r):
    return "xoxb-%s-%s-%s" % (rs(r, DIG, r.choice([11, 12, 13])), rs(r, DIG, 13), rs(r, ALNUM, 24))


def slack_user(r):
    return "xoxp-%s-%s-%s-%s" % (rs(r, DIG, 11), rs(r, DIG, 11), rs(r, DIG, 13), rs(r, HEX, 32))


def slack_app(r):
    return "xapp-1-A%s-%s-%s" % (rs(r, UPNUM, 10), rs(r, DIG, 13), rs(r, HEX, 64))


def slack_webhook_secret(r):
    return rs(r, ALNUM, 24)


def slack_webhook_prefix(r):
    return "https://hooks.slack.com/services/T%s/B%s/" % (rs(r, UPNUM, 8), rs(r, UPNUM, 10))


def discord_webhook_secret(r):
    return rs(r, B64URL, 68)


def discord_bot_token(r):
    uid = str(r.randrange(10**17, 10**18 * 2))
    return "%s.%s.%s" % (b64(uid.encode()).rstrip("="), rs(r, B64URL, 6), rs(r, B64URL, 38))


def telegram_bot_token(r):
    return "%d:AA%s" % (r.randrange(10**8, 8 * 10**9), rs(r, B64URL, 33))


def stripe_secret(r):
    if r.random() < 0.5:
        return "sk_live_" + rs(r, ALNUM, 24)
    return "sk_live_51" + rs(r, ALNUM, 97)


def stripe_restricted(r):
    return "rk_live_51" + rs(r, ALNUM, 97)


def stripe_whsec(r):
    return "whsec_" + rs(r, ALNUM, 32)


def square_access(r):
    return r.choice(["EAAAE", "EAAAl", "EAAAF"]) + rs(r, B64URL, 59)


def square_oauth_secret(r):
    return "sq0csp-" + rs(r, B64URL, 43)


def twilio_api_key(r):
    return "SK" + rs(r, HEX, 32)


def twilio_auth_token(r):
    return rs(r, HEX, 32)


def sendgrid(r):
    return "SG." + rs(r, B64URL, 22) + "." + rs(r, B64URL, 43)


def mailgun(r):
    if r.random() < 0.5:
        return "key-" + rs(r, HEX, 32)
    return rs(r, HEX, 32) + "-" + rs(r, HEX, 8) + "-" + rs(r, HEX, 8)


def mailchimp(r):
    return rs(r, HEX, 32) + "-us" + str(r.randrange(1, 22))


def openai_key(r):
    k = r.random()
    if k < 0.6:
        return "sk-proj-" + rs(r, B64URL, 74) + "T3BlbkFJ" + rs(r, B64URL, 74)
    if k < 0.8:
        return "sk-svcacct-" + rs(r, B64URL, 74) + "T3BlbkFJ" + rs(r, B64URL, 74)
    return "sk-" + rs(r, ALNUM, 20) + "T3BlbkFJ" + rs(r, ALNUM, 20)


def anthropic_key(r):
    return "sk-ant-api03-" + rs(r, B64URL, 93) + "AA"


def anthropic_admin_key(r):
    return "sk-ant-admin01-" + rs(r, B64URL, 93) + "AA"


def hf_token(r):
    return "hf_" + rs(r, UP + LO, 34)


def groq_key(r):
    return "gsk_" + rs(r, ALNUM, 52)


def replicate_token(r):
    return "r8_" + rs(r, ALNUM, 37)


def openrouter_key(r):
    return "sk-or-v1-" + rs(r, HEX, 64)


def perplexity_key(r):
    return "pplx-" + rs(r, ALNUM, 48)


def xai_key(r):
    return "xai-" + rs(r, ALNUM, 80)


def mistral_key(r):
    return rs(r, ALNUM, 32)


def cohere_key(r):
    return rs(r, ALNUM, 40)


def pinecone_key(r):
    return "pcsk_" + rs(r, ALNUM, 5) + "_" + rs(r, ALNUM, 63)


def langsmith_key(r):
    return r.choice(["lsv2_pt_", "lsv2_sk_"]) + rs(r, HEX, 32) + "_" + rs(r, HEX, 10)


def wandb_key(r):
    return rs(r, HEX, 40)


def npm_token(r):
    return crc_token(r, "npm_")


def pypi_token(r):
    return "pypi-AgEIcHlwaS5vcmcCJ" + rs(r, B64URL, r.choice([150, 158, 176]))


def rubygems_key(r):
    return "rubygems_" + rs(r, HEX, 48)


def nuget_key(r):
    return "oy2" + rs(r, LOWNUM, 43)


def dockerhub_pat(r):
    return "dckr_pat_" + rs(r, B64URL, 27)


def shopify_access(r):
    return r.choice(["shpat_", "shpat_", "shpca_", "shppa_"]) + rs(r, HEX, 32)


def shopify_secret(r):
    return "shpss_" + rs(r, HEX, 32)


def datadog_api_key(r):
    return rs(r, HEX, 32)


def datadog_app_key(r):
    return rs(r, HEX, 40)


def newrelic_user_key(r):
    return "NRAK-" + rs(r, UPNUM, 27)


def newrelic_license_key(r):
    return rs(r, HEX, 36) + "NRAL"


def sentry_dsn_key(r):
    return rs(r, HEX, 32)


def sentry_auth_token(r):
    if r.random() < 0.5:
        return "sntryu_" + rs(r, HEX, 64)
    payload = {"iat": 1700000000 + r.randrange(40000000), "url": "https://sentry.io",
               "region_url": "https://us.sentry.io", "org": r.choice(["acme", "globex", "initech-prod"])}
    return "sntrys_" + b64(json.dumps(payload, separators=(",", ":")).encode()).rstrip("=") + "_" + rs(r, B64URL, 43)


def grafana_sa_token(r):
    return "glsa_" + rs(r, ALNUM, 32) + "_" + rs(r, HEX, 8)


def grafana_cloud_token(r):
    payload = {"o": str(r.randrange(100000, 999999)), "n": "stack-%d-%s" % (r.randrange(100000, 999999), r.choice(["alloy", "otlp", "read"])),
               "k": rs(r, ALNUM, 24), "m": {"r": r.choice(["prod-us-east-0", "prod-eu-west-2", "prod-ap-southeast-1"])}}
    return "glc_" + b64(json.dumps(payload, separators=(",", ":")).encode()).rstrip("=")


def digitalocean_token(r):
    return r.choice(["dop_v1_", "dop_v1_", "doo_v1_", "dor_v1_"]) + rs(r, HEX, 64)


def heroku_key(r):
    if r.random() < 0.5:
        return "HRKU-AA" + rs(r, B64URL, 58)
    return str_uuid(r)


def vercel_token(r):
    return rs(r, ALNUM, 24)


def netlify_token(r):
    return "nfp_" + rs(r, ALNUM, 36)


def cloudflare_api_token(r):
    return rs(r, ALNUM + "_-", 40)


def cloudflare_global_key(r):
    return rs(r, HEX, 37)


def cloudflare_origin_ca(r):
    return "v1.0-" + rs(r, HEX, 24) + "-" + rs(r, HEX, 146)


def doppler_token(r):
    if r.random() < 0.6:
        return "dp.st.%s.%s" % (r.choice(["dev", "stg", "prd", "ci"]), rs(r, ALNUM, 40))
    return "dp.pt." + rs(r, ALNUM, 43)


def onepassword_sa(r):
    payload = {"signInAddress": "my.1password.com", "userAuth": {"method": "SRPg-4096", "alg": "PBES2g-HS256",
               "iterations": 650000, "salt": rs(r, B64URL, 22)}, "email": rs(r, LO, 13) + "@1passwordserviceaccounts.com",
               "srpX": rs(r, HEX, 64), "muk": {"alg": "A256GCM", "ext": True, "k": rs(r, B64URL, 43), "key_ops": ["encrypt", "decrypt"],
               "kty": "oct", "kid": "mp"}, "secretKey": "A3-" + rs(r, UPNUM, 6) + "-" + rs(r, UPNUM, 11), "deviceUuid": rs(r, LOWNUM, 26)}
    return "ops_" + b64(json.dumps(payload, separators=(",", ":")).encode()).rstrip("=")


def linear_key(r):
    return "lin_api_" + rs(r, ALNUM, 40)


def notion_token(r):
    if r.random() < 0.5:
        return "secret_" + rs(r, ALNUM, 43)
    return "ntn_" + rs(r, DIG, 11) + rs(r, ALNUM, 35)


def atlassian_token(r):
    return "ATATT3xFfGF0" + rs(r, B64URL, 170) + "=" + rs(r, HEXU, 8)


def postman_key(r):
    return "PMAK-" + rs(r, HEX, 24) + "-" + rs(r, HEX, 34)


def databricks_token(r):
    return "dapi" + rs(r, HEX, 32) + r.choice(["", "", "-2", "-3"])


def age_secret_key(r):
    return "AGE-SECRET-KEY-1" + rs(r, BECH32, 58)


def vault_token(r):
    k = r.random()
    if k < 0.6:
        return "hvs.CAESI" + rs(r, B64URL, 86)
    if k < 0.85:
        return "hvb.AAAAAQ" + rs(r, B64URL, 132)
    return "s." + rs(r, ALNUM, 24)


def tfc_token(r):
    return rs(r, ALNUM, 14) + ".atlasv1." + rs(r, ALNUM, 67)


def alibaba_key_id(r):
    return "LTAI" + rs(r, ALNUM, 20)


def okta_token(r):
    return "00" + rs(r, ALNUM + "-_", 40)


def mapbox_secret(r):
    payload = {"u": r.choice(["acme-maps", "jdoe", "fleet-ops"]), "a": "cl" + rs(r, LOWNUM, 23)}
    return "sk." + b64url(json.dumps(payload, separators=(",", ":")).encode()) + "." + rs(r, B64URL, 22)


def pulumi_token(r):
    return "pul-" + rs(r, HEX, 40)


def flyio_token(r):
    return "fo1_" + rs(r, B64URL, 43)


def supabase_token(r):
    return "sbp_" + rs(r, HEX, 40)


def planetscale_token(r):
    return r.choice(["pscale_tkn_", "pscale_pw_", "pscale_oauth_"]) + rs(r, B64URL, 43)


def sourcegraph_token(r):
    return "sgp_" + rs(r, HEX, 16) + "_" + rs(r, HEX, 40)


def tailscale_key(r):
    return r.choice(["tskey-auth-", "tskey-api-"]) + "k" + rs(r, ALNUM, 10) + "CNTRL-" + rs(r, ALNUM, 32)


def buildkite_token(r):
    return "bkua_" + rs(r, HEX, 40)


def circleci_token(r):
    return "CCIPAT_" + rs(r, ALNUM, 22) + "_" + rs(r, HEX, 40)


def launchdarkly_key(r):
    return r.choice(["sdk-", "api-"]) + str_uuid(r)


def contentful_token(r):
    return "CFPAT-" + rs(r, B64URL, 43)


def asana_pat(r):
    return "2/%s/%s:%s" % (rs(r, DIG, 16), rs(r, DIG, 16), rs(r, HEX, 32))


def airtable_pat(r):
    return "pat" + rs(r, ALNUM, 14) + "." + rs(r, HEX, 64)


def figma_pat(r):
    return "figd_" + rs(r, B64URL, 40)


def dropbox_token(r):
    return "sl.B" + rs(r, B64URL, 134)


def twitter_bearer(r):
    return "A" * 22 + rs(r, ALNUM, 19) + "%2B" + rs(r, ALNUM, 21) + "%3D" + rs(r, ALNUM, 50)


def facebook_token(r):
    return "EAA" + r.choice("BGCI") + rs(r, ALNUM, r.choice([160, 186, 200]))


def opaque_token(r):
    k = r.random()
    if k < 0.35:
        return rs(r, B64URL, r.choice([32, 43, 48, 64]))
    if k < 0.55:
        return rs(r, HEX, r.choice([32, 40, 64]))
    if k < 0.7:
        return rs(r, ALNUM, r.choice([24, 32, 40]))
    if k < 0.8:
        return str_uuid(r)
    if k < 0.9:
        return b64(rbytes(r, r.choice([24, 32, 48])))
    return "at_" + rs(r, ALNUM, 40)


def session_cookie(r, name):
    if name == "sessionid":
        return rs(r, LOWNUM, 32)
    if name == "connect.sid":
        return "s%3A" + rs(r, B64URL, 32) + "." + urllib.parse.quote(rs(r, B64, 43), safe="")
    if name == "PHPSESSID":
        return rs(r, LOWNUM, 26)
    if name == "JSESSIONID":
        return rs(r, HEXU, 32)
    if name == "ASP.NET_SessionId":
        return rs(r, LOWNUM, 24)
    if name == "laravel_session":
        payload = b64(json.dumps({"iv": rs(r, B64, 24), "value": rs(r, B64, 160), "mac": rs(r, HEX, 64), "tag": ""},
                                 separators=(",", ":")).encode())
        return urllib.parse.quote(payload, safe="")
    if name.endswith("_session"):
        return urllib.parse.quote(rs(r, B64, r.choice([160, 224])), safe="") + "--" + rs(r, HEX, 40)
    if name == "__Secure-next-auth.session-token":
        return "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0.." + rs(r, B64URL, 16) + "." + rs(r, B64URL, 300) + "." + rs(r, B64URL, 22)
    if name == "remember_token":
        return "%d|%s" % (r.randrange(1, 99999), rs(r, ALNUM, 60))
    return rs(r, B64URL, r.choice([32, 43, 64]))


SESSION_COOKIES = ["sessionid", "connect.sid", "PHPSESSID", "JSESSIONID", "ASP.NET_SessionId", "laravel_session",
                   "_myapp_session", "_gitlab_session", "__Secure-next-auth.session-token", "remember_token",
                   "session", "auth_token", "access_token", "sid"]


# ---------------------------------------------------------------------------
# passwords (human and generated)
# ---------------------------------------------------------------------------

WORDS = ["summer", "winter", "autumn", "spring", "dragon", "monkey", "shadow", "sunshine", "football", "baseball",
         "coffee", "purple", "orange", "tiger", "falcon", "rocket", "pepper", "cookie", "banana", "silver", "maple",
         "harbor", "castle", "river", "thunder", "kitten", "pirate", "wizard", "galaxy", "cobalt", "lemon", "horse",
         "battery", "staple", "correct", "blue", "green", "ocean", "pizza", "mustang", "hunter", "ranger", "welcome",
         "admin", "london", "berlin", "paris", "toronto", "chelsea", "arsenal", "liverpool", "yankees", "bulldog"]
SEASONS = ["Summer", "Winter", "Spring", "Autumn", "Fall"]


def password(r, symbols="!@#$%^&*-_=+.?~"):
    """Human-looking and generated passwords.  ``symbols`` restricts punctuation."""
    sym = symbols or ""
    pick_sym = (lambda: r.choice(sym)) if sym else (lambda: "")
    k = r.randrange(12)
    if k == 0:
        return r.choice(SEASONS) + str(r.randrange(2015, 2026)) + pick_sym()
    if k == 1:
        w = r.choice(WORDS)
        return w + str(r.randrange(1, 10)) + w + str(r.randrange(1, 10))
    if k == 2:
        return r.choice(WORDS).capitalize() + r.choice(WORDS).capitalize() + str(r.randrange(10, 9999)) + pick_sym()
    if k == 3:
        sep = r.choice(["-", "_", "."]) if ("-" in sym or not sym) else ""
        sep = sep if (not sym or sep in sym) else ""
        return sep.join(r.choice(WORDS) for _ in range(r.choice([3, 4])))
    if k == 4:
        base = r.choice(["P@ssw0rd", "Passw0rd", "Adm1n", "Welc0me", "Qwerty", "Changeme", "Letmein", "S3cur3", "Pa55word"])
        base = base.replace("@", "a") if "@" not in sym else base
        return base + str(r.randrange(1, 2026)) + pick_sym()
    if k == 5:
        w = r.choice(WORDS)
        leet = w.replace("a", "4").replace("e", "3").replace("o", "0").replace("i", "1")
        return leet.capitalize() + pick_sym() + str(r.randrange(10, 100))
    if k in (6, 7):
        alpha = ALNUM + sym
        while True:
            p = rs(r, alpha, r.choice([12, 16, 20, 24, 32]))
            if any(c in DIG for c in p):
                return p
    if k == 8:
        return b64(rbytes(r, r.choice([18, 24, 32])))
    if k == 9:
        return rs(r, HEX, 32)
    if k == 10:
        return rs(r, ALNUM, r.choice([16, 20, 24]))
    return r.choice(WORDS) + r.choice(WORDS) + str(r.randrange(100, 99999))


def url_password(r):
    return urllib.parse.quote(password(r), safe="")


# ---------------------------------------------------------------------------
# PII
# ---------------------------------------------------------------------------

FIRST = ["james", "mary", "robert", "patricia", "john", "jennifer", "michael", "linda", "david", "elizabeth",
         "wei", "fatima", "mohammed", "priya", "arjun", "yuki", "hiroshi", "olga", "dmitri", "chloe", "lucas",
         "sofia", "mateo", "camila", "noah", "emma", "liam", "olivia", "ahmed", "aisha", "kwame", "amara", "lars",
         "ingrid", "francois", "amelie", "giulia", "marco", "sean", "siobhan", "jakub", "zofia", "thanh", "minh",
         "ana", "joao", "kenji", "sakura", "rafael", "isabela", "tomasz", "katarzyna", "hannah", "jonas"]
LAST = ["smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez", "martinez",
        "nguyen", "kim", "patel", "singh", "chen", "wang", "tanaka", "suzuki", "muller", "schmidt", "schneider",
        "dubois", "lefebvre", "rossi", "russo", "kowalski", "nowak", "ivanov", "petrov", "okafor", "mensah",
        "oconnor", "murphy", "andersson", "johansson", "silva", "santos", "oliveira", "haddad", "cohen", "levy",
        "fernandez", "lopez", "gonzalez", "hernandez", "novak", "horvat", "yilmaz", "demir", "khan", "ali"]
FREEMAIL = ["gmail.com", "gmail.com", "gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com",
            "protonmail.com", "proton.me", "yahoo.co.uk", "gmx.de", "web.de", "orange.fr", "free.fr", "live.co.uk",
            "hotmail.fr", "qq.com", "163.com", "naver.com", "mail.ru", "yandex.ru", "fastmail.com", "aol.com"]
CORPMAIL = ["acme-corp.io", "globex.com", "initech.net", "umbrella-health.org", "hooli.xyz", "piedpiper.dev",
            "northwind-traders.co.uk", "contoso-retail.de", "fabrikam.fr", "wayne-enterprises.com", "stark.industries",
            "mail.tyrell-corp.co.jp", "eng.soylent.ca", "cs.stanford.edu", "alumni.ethz.ch", "uni-heidelberg.de",
            "bluewave.com.au", "tesco-bank.co.uk", "zalando-ops.de", "nubank.com.br"]


def email(r):
    f, l = r.choice(FIRST), r.choice(LAST)
    k = r.randrange(9)
    if k == 0:
        local = "%s.%s" % (f, l)
    elif k == 1:
        local = "%s%s" % (f[0], l)
    elif k == 2:
        local = "%s.%s%d" % (f, l, r.randrange(1, 99))
    elif k == 3:
        local = "%s_%s" % (f, l)
    elif k == 4:
        local = "%s%d" % (f, r.randrange(1970, 2010))
    elif k == 5:
        local = "%s.%s+%s" % (f, l, r.choice(["github", "shopping", "news", "test", "stripe"]))
    elif k == 6:
        local = "%s-%s" % (f, l)
    elif k == 7:
        local = "%s.%s" % (f.capitalize(), l.capitalize())
    else:
        local = "%s%s%d" % (f[:3], l[:4], r.randrange(10, 999))
    dom = r.choice(FREEMAIL) if r.random() < 0.55 else r.choice(CORPMAIL)
    return "%s@%s" % (local, dom)


US_AREAS = ["415", "212", "646", "312", "213", "617", "206", "512", "303", "702", "404", "305", "718", "917",
            "510", "650", "408", "202", "773", "972", "713", "602", "503", "919"]


def phone(r):
    k = r.randrange(20)
    a = r.choice(US_AREAS)
    ex = str(r.randrange(201, 999))
    ln = "%04d" % r.randrange(0, 10000)
    if k == 0:
        return "+1%s%s%s" % (a, ex, ln)
    if k == 1:
        return "+1 %s %s %s" % (a, ex, ln)
    if k == 2:
        return "(%s) %s-%s" % (a, ex, ln)
    if k == 3:
        return "%s-%s-%s" % (a, ex, ln)
    if k == 4:
        return "+1-%s-%s-%s" % (a, ex, ln)
    if k == 5:
        return "%s.%s.%s" % (a, ex, ln)
    if k == 6:
        return "+44 20 7%03d %04d" % (r.randrange(1000), r.randrange(10000))
    if k == 7:
        return "+447%d%08d" % (r.choice([4, 5, 7, 8, 9]), r.randrange(10**8))
    if k == 8:
        return "020 7%03d %04d" % (r.randrange(1000), r.randrange(10000))
    if k == 9:
        return "07%d%02d %06d" % (r.choice([4, 5, 7, 8, 9]), r.randrange(100), r.randrange(10**6))
    if k == 10:
        return "+44 7%d%02d %06d" % (r.choice([4, 5, 7, 8, 9]), r.randrange(100), r.randrange(10**6))
    if k == 11:
        return "+49 30 %08d" % r.randrange(10**7, 10**8)
    if k == 12:
        return "+49 15%d %08d" % (r.choice([1, 2, 7, 9]), r.randrange(10**8))
    if k == 13:
        return "030 %08d" % r.randrange(10**7, 10**8)
    if k == 14:
        return "015%d %08d" % (r.choice([1, 2, 7, 9]), r.randrange(10**8))
    if k == 15:
        return "+33 %d %02d %02d %02d %02d" % (r.choice([1, 6, 7]), r.randrange(100), r.randrange(100), r.randrange(100), r.randrange(100))
    if k == 16:
        return "+33%d%08d" % (r.choice([6, 7]), r.randrange(10**8))
    if k == 17:
        return "0%d %02d %02d %02d %02d" % (r.choice([1, 6, 7]), r.randrange(100), r.randrange(100), r.randrange(100), r.randrange(100))
    if k == 18:
        return "0%d.%02d.%02d.%02d.%02d" % (r.choice([1, 4, 6]), r.randrange(100), r.randrange(100), r.randrange(100), r.randrange(100))
    return "+1 (%s) %s-%s" % (a, ex, ln)


def luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _luhn_complete(r, prefix, length):
    body = prefix + rs(r, DIG, length - len(prefix) - 1)
    for c in DIG:
        if luhn_ok(body + c):
            return body + c
    raise AssertionError


def card(r):
    k = r.randrange(6)
    if k <= 1:
        num = _luhn_complete(r, "4", 16)
    elif k == 2:
        num = _luhn_complete(r, r.choice(["51", "52", "53", "54", "55", "2221", "2720", "2300"]), 16)
    elif k == 3:
        num = _luhn_complete(r, r.choice(["34", "37"]), 15)
    elif k == 4:
        num = _luhn_complete(r, r.choice(["6011", "65", "644"]), 16)
    else:
        num = _luhn_complete(r, str(r.randrange(3528, 3590)), 16)
    fmt = r.randrange(3)
    if fmt == 0:
        return num
    sep = " " if fmt == 1 else "-"
    if len(num) == 15:
        return sep.join([num[:4], num[4:10], num[10:]])
    return sep.join(num[i:i + 4] for i in range(0, 16, 4))


def luhn_invalid_16(r):
    while True:
        n = r.choice("3456789") + rs(r, DIG, 15)
        if not luhn_ok(n):
            return n


IBAN_FMT = {  # country: BBAN pattern (n digit, a upper letter, c alnum upper)
    "DE": "8n10n", "GB": "4a6n8n", "FR": "5n5n11n2n", "ES": "4n4n2n10n", "IT": "1a5n5n12n", "NL": "4a10n",
    "BE": "3n7n2n", "CH": "5n12n", "AT": "5n11n", "PL": "8n16n", "SE": "3n16n1n", "IE": "4a6n8n",
    "PT": "4n4n11n2n", "DK": "4n9n1n", "NO": "4n6n1n", "FI": "3n11n", "LU": "3n13c", "CZ": "4n6n10n",
}


def iban(r):
    cc = r.choice(sorted(IBAN_FMT))
    bban = ""
    spec = IBAN_FMT[cc]
    i = 0
    while i < len(spec):
        j = i
        while spec[j].isdigit():
            j += 1
        n, t = int(spec[i:j]), spec[j]
        bban += rs(r, {"n": DIG, "a": UP, "c": UPNUM}[t], n)
        i = j + 1
    rearr = bban + cc + "00"
    num = int("".join(str(int(ch, 36)) for ch in rearr))
    check = 98 - num % 97
    ib = "%s%02d%s" % (cc, check, bban)
    if r.random() < 0.5:
        return " ".join(ib[i:i + 4] for i in range(0, len(ib), 4))
    return ib


def iban_valid(s):
    s = s.replace(" ", "")
    rearr = s[4:] + s[:4]
    return int("".join(str(int(ch, 36)) for ch in rearr)) % 97 == 1


def ssn_digits(r):
    while True:
        area = r.randrange(1, 900)
        if area != 666:
            break
    return "%03d%02d%04d" % (area, r.randrange(1, 100), r.randrange(1, 10000))


def ssn(r):
    d = ssn_digits(r)
    return "%s-%s-%s" % (d[:3], d[3:5], d[5:])


# ---------------------------------------------------------------------------
# benign look-alikes
# ---------------------------------------------------------------------------

def str_uuid(r):
    h = rs(r, HEX, 32)
    h = h[:12] + "4" + h[13:16] + r.choice("89ab") + h[17:]
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def git_sha(r):
    return rs(r, HEX, 40)


def short_sha(r):
    return rs(r, HEX, r.choice([7, 7, 8, 10, 12]))


def sha256_hex(r):
    return rs(r, HEX, 64)


def md5_hex(r):
    return rs(r, HEX, 32)


def trace_id(r):
    return rs(r, HEX, 32)


def span_id(r):
    return rs(r, HEX, 16)


def traceparent(r):
    return "00-%s-%s-0%d" % (trace_id(r), span_id(r), r.choice([0, 1, 1]))


def dd_id(r):
    return str(r.randrange(10**17, 2**63))


def mem_addr(r):
    return "0x7f" + rs(r, HEX, 10)


def image_digest(r):
    return "sha256:" + sha256_hex(r)


def cursor(r):
    k = r.randrange(3)
    if k == 0:
        raw = json.dumps({"id": r.randrange(1, 10**7), "ts": 1700000000 + r.randrange(10**7)}, separators=(",", ":"))
    elif k == 1:
        raw = "user:U%s" % rs(r, UPNUM, 9)
    else:
        raw = "offset:%d|%s" % (r.randrange(0, 10000), r.choice(["created_at", "updated_at", "id"]))
    return b64(raw.encode())


def iso_ts(r):
    return "2024-%02d-%02dT%02d:%02d:%02d.%03dZ" % (r.randrange(1, 13), r.randrange(1, 29), r.randrange(24),
                                                    r.randrange(60), r.randrange(60), r.randrange(1000))


def epoch(r):
    return str(1700000000 + r.randrange(40000000))


def epoch_ms(r):
    return str(1700000000000 + r.randrange(40000000000))


def version(r):
    k = r.randrange(4)
    if k == 0:
        return "%d.%d.%d.%d" % (r.randrange(1, 20), r.randrange(0, 30), r.randrange(0, 9999), r.randrange(0, 300))
    if k == 1:
        return "Chrome/%d.0.%d.%d" % (r.randrange(110, 131), r.randrange(5000, 6800), r.randrange(10, 250))
    if k == 2:
        return "%d.%d.%d" % (r.randrange(0, 30), r.randrange(0, 40), r.randrange(0, 200))
    return "v%d.%d.%d-rc.%d" % (r.randrange(0, 5), r.randrange(0, 40), r.randrange(0, 20), r.randrange(1, 6))


def order_id(r):
    k = r.randrange(3)
    if k == 0:
        return "ORD-%s-%06d" % (r.choice(["2023", "2024"]) + "%02d%02d" % (r.randrange(1, 13), r.randrange(1, 29)), r.randrange(10**6))
    if k == 1:
        return str(r.randrange(10**11, 10**12))
    return "%s-%s" % (rs(r, UP, 3), rs(r, DIG, 8))


def private_ip(r):
    k = r.randrange(3)
    if k == 0:
        return "10.%d.%d.%d" % (r.randrange(256), r.randrange(256), r.randrange(1, 255))
    if k == 1:
        return "192.168.%d.%d" % (r.randrange(256), r.randrange(1, 255))
    return "172.%d.%d.%d" % (r.randrange(16, 32), r.randrange(256), r.randrange(1, 255))


def pod_name(r, app=None):
    app = app or "api"
    return "%s-%s-%s" % (app, rs(r, "bcdfghjklmnpqrstvwxz2456789", 10), rs(r, "bcdfghjklmnpqrstvwxz2456789", 5))


def nine_digit_id(r):
    return str(r.randrange(10**8, 10**9))


PLACEHOLDERS = ["${DB_PASSWORD}", "${{ secrets.NPM_TOKEN }}", "<redacted>", "[REDACTED]", "****", "***",
                "********", "{{ .Values.db.password }}", "$(cat /run/secrets/db_password)", "<YOUR_API_KEY>",
                "${API_TOKEN}", "$DB_PASSWORD", "%DB_PASSWORD%", "[FILTERED]", "<masked>", "REDACTED",
                "your-api-key-here", "{{ secrets.api_key }}", "${env:DB_PASSWORD}", "<set-via-vault>",
                "${SECRET_KEY:?missing}", "(hidden)", "xxxxxxxxxxxxxxxx", "$(SECRET_KEY)", "[secure]",
                "${{ secrets.AWS_SECRET_ACCESS_KEY }}", "{{ vault \"secret/data/app\" \"password\" }}"]


def placeholder(r):
    return r.choice(PLACEHOLDERS)


# documentation example keys and obvious dummies (benign: published, or never a credential)
EXAMPLE_KEYS = ["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "ghp_" + "x" * 36, "sk-...",
                "sk_test_" + "x" * 24, "xoxb-your-token", "AIzaSy" + "X" * 33, "glpat-xxxxxxxxxxxxxxxxxxxx",
                "npm_" + "0" * 36, "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "<paste-token-here>", "sk-ant-api03-..."]


def example_key(r):
    return r.choice(EXAMPLE_KEYS)


def stripe_publishable(r):
    return r.choice(["pk_live_", "pk_test_"]) + rs(r, ALNUM, r.choice([24, 99]))


def iban_invalid(r):
    while True:
        s = iban(r).replace(" ", "")
        bad = s[:2] + "%02d" % ((int(s[2:4]) + r.randrange(1, 97)) % 100) + s[4:]
        if not iban_valid(bad):
            return bad


def base64_payload(r):
    k = r.randrange(3)
    if k == 0:
        return "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA" + b64(rbytes(r, r.choice([48, 96, 150])))
    if k == 1:
        text = "# %s\n\nInternal service. Run `make dev` to start.\n" % r.choice(["billing-api", "checkout", "ledger"])
        return b64(text.encode())
    return b64(rbytes(r, r.choice([36, 60, 90])))
