//! Throughput of [`RuleDb::scan`] with the built-in rule pack.
//!
//! Two corpora of realistic debugging text, generated in memory from a fixed
//! seed (no files, no `rand`): JSON logs, access logs, Python and Java stack
//! traces, CI/container lines with digests, HTTP dumps, and harmless mentions
//! of words like "token" or "password" that a keyword prefilter must wade
//! through. Secrets (GitHub and Stripe tokens, AWS keys, bearer JWTs,
//! passwords in DSNs and configs, emails, Luhn-valid cards) are planted
//! - `sparse`: about one per 100 KB (the common case: a real log),
//! - `dense`: about one per 300 bytes (the worst case: a dump of credentials).
//!
//! Besides the full scan, the `parts-sparse` group times pieces on their own so a
//! slow number can be traced: a newline count (memory-bandwidth floor), the
//! rule keywords in a plain single-walker Aho-Corasick DFA, keyword rules
//! alone and finder rules alone.
//!
//! Run: `cargo bench -p stanch-engine --bench scan` (about a minute after the
//! build). Environment:
//! - `STANCH_BENCH_SPARSE_FILE` / `STANCH_BENCH_DENSE_FILE`: scan the first
//!   8 MiB of these files instead of the generated corpora (absolute paths:
//!   cargo runs benches in the crate's directory);
//! - `STANCH_BENCH_WRITE_CORPUS=DIR` (with optional `STANCH_BENCH_SPARSE_BYTES`,
//!   `STANCH_BENCH_DENSE_BYTES`): write `DIR/sparse.log` and `DIR/dense.log`
//!   with this generator and exit without benchmarking (`bench/run.sh` uses
//!   it when no other corpus generator is available).

use aho_corasick::{AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use criterion::{Criterion, Throughput};
use stanch_engine::{pack, RuleDb, RuleSpec};
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

/// Size of each in-memory corpus.
const CORPUS_BYTES: usize = 8 << 20;

// ---------------------------------------------------------------------------
// Deterministic randomness: xorshift64*.

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0); the bias is irrelevant here.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick_chars(&mut self, out: &mut String, set: &[u8], n: usize) {
        for _ in 0..n {
            out.push(set[self.below(set.len())] as char);
        }
    }

    fn hex(&mut self, out: &mut String, n: usize) {
        self.pick_chars(out, b"0123456789abcdef", n);
    }

    fn alnum(&mut self, out: &mut String, n: usize) {
        self.pick_chars(out, ALNUM, n);
    }

    fn digits(&mut self, out: &mut String, n: usize) {
        self.pick_chars(out, b"0123456789", n);
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url(data: &[u8], out: &mut String) {
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(B64URL[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
}

// ---------------------------------------------------------------------------
// Benign log text.

const SERVICES: &[&str] = &[
    "checkout",
    "orders",
    "billing",
    "auth-gateway",
    "inventory",
    "search",
    "notifier",
    "ledger",
    "profile",
    "ingest-worker",
];
const LEVELS: &[&str] = &["debug", "info", "info", "info", "info", "warn", "error"];
const METHODS: &[&str] = &["GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH"];
const PATHS: &[&str] = &[
    "/api/v1/orders",
    "/api/v1/users",
    "/api/v2/carts",
    "/healthz",
    "/metrics",
    "/api/v1/invoices",
    "/static/js/app",
    "/graphql",
    "/api/v1/session/refresh",
    "/internal/jobs",
];
const STATUSES: &[u16] = &[
    200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 404, 500, 503,
];
const AGENTS: &[&str] = &[
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "curl/8.5.0",
    "python-requests/2.31.0",
    "Go-http-client/1.1",
    "kube-probe/1.29",
];
const MESSAGES: &[&str] = &[
    "request completed",
    "cache miss, fetching from upstream",
    "retrying after transient error",
    "connection pool exhausted, waiting",
    "order state transition",
    "published event to queue",
    "slow query detected",
    "user session created",
    "feature flag evaluated",
    "upstream returned non-2xx",
];
/// Harmless lines full of words a keyword prefilter is likely to key on.
const CHATTER: &[&str] = &[
    "access token refreshed for session; next refresh in 3600s",
    "password reset email queued",
    "Authorization header missing on request, responding 401",
    "rotating api_key_id=key-rotation-job-7 (no secret material logged)",
    "secret store reachable, 42 secrets cached",
    "token bucket refilled: capacity=100 rate=10/s",
    "auth: login ok via sso provider",
    "fetching credentials from instance metadata",
    "git clone https://github.com/acme/payments-service.git",
    "private key loaded from /etc/ssl/private/server.key",
    "AWS region us-east-1 selected, using default profile",
    "bearer auth scheme configured for /api/*",
];
const PY_FILES: &[&str] = &[
    "/srv/app/handlers/orders.py",
    "/srv/app/services/billing.py",
    "/usr/lib/python3.12/site-packages/requests/adapters.py",
    "/srv/app/db/session.py",
    "/usr/lib/python3.12/site-packages/sqlalchemy/engine/base.py",
];
const JAVA_FRAMES: &[&str] = &[
    "com.acme.orders.OrderService.fetch(OrderService.java:",
    "com.acme.orders.OrderController.get(OrderController.java:",
    "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:",
    "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:",
    "java.base/java.lang.Thread.run(Thread.java:",
];
const FIRST: &[&str] = &[
    "alice", "bob", "carol", "dmitri", "erin", "farah", "gustavo", "hana",
];
const LAST: &[&str] = &[
    "nguyen", "smith", "okafor", "garcia", "kowalski", "tanaka", "berg",
];
const MAIL_DOMAINS: &[&str] = &["acmecorp.io", "globex.net", "initech.co.uk", "mailbox.org"];

struct Gen {
    rng: Rng,
    /// Seconds since an arbitrary midnight; advances with every line.
    clock: u64,
}

impl Gen {
    fn tick(&mut self) -> (u64, u64, u64, u64, u64) {
        self.clock += self.rng.below(3) as u64;
        let ms = self.rng.below(1000) as u64;
        let s = self.clock;
        (
            1 + (s / 86_400) % 28,
            (s / 3600) % 24,
            (s / 60) % 60,
            s % 60,
            ms,
        )
    }

    fn iso(&mut self, out: &mut String) {
        let (d, h, m, s, ms) = self.tick();
        let _ = write!(out, "2024-05-{d:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z");
    }

    fn uuid(&mut self, out: &mut String) {
        let r = &mut self.rng;
        r.hex(out, 8);
        out.push('-');
        r.hex(out, 4);
        out.push_str("-4");
        r.hex(out, 3);
        out.push('-');
        out.push(r.pick(&['8', '9', 'a', 'b']));
        r.hex(out, 3);
        out.push('-');
        r.hex(out, 12);
    }

    fn ip(&mut self, out: &mut String) {
        let r = &mut self.rng;
        let _ = write!(
            out,
            "10.{}.{}.{}",
            r.below(256),
            r.below(256),
            r.range(1, 254)
        );
    }

    fn json_log(&mut self, out: &mut String) {
        out.push_str("{\"ts\":\"");
        self.iso(out);
        let r = &mut self.rng;
        let _ = write!(
            out,
            "\",\"level\":\"{}\",\"service\":\"{}\",\"trace_id\":\"",
            r.pick(LEVELS),
            r.pick(SERVICES)
        );
        r.hex(out, 32);
        out.push_str("\",\"span_id\":\"");
        r.hex(out, 16);
        let _ = write!(
            out,
            "\",\"msg\":\"{}\",\"http.method\":\"{}\",\"http.path\":\"{}/",
            r.pick(MESSAGES),
            r.pick(METHODS),
            r.pick(PATHS)
        );
        self.uuid(out);
        let r = &mut self.rng;
        let _ = writeln!(
            out,
            "\",\"http.status\":{},\"duration_ms\":{}.{},\"bytes\":{}}}",
            r.pick(STATUSES),
            r.below(900),
            r.below(10),
            r.below(100_000)
        );
    }

    fn access_log(&mut self, out: &mut String) {
        self.ip(out);
        let (d, h, m, s, _) = self.tick();
        let r = &mut self.rng;
        let _ = write!(
            out,
            " - - [{d:02}/May/2024:{h:02}:{m:02}:{s:02} +0000] \"{} {}",
            r.pick(METHODS),
            r.pick(PATHS)
        );
        if r.chance(30) {
            out.push('.');
            r.hex(out, 8);
            out.push_str(".js");
        } else if r.chance(50) {
            let _ = write!(out, "?page={}&limit=50", r.below(40));
        }
        let _ = writeln!(
            out,
            " HTTP/1.1\" {} {} \"-\" \"{}\" rt={}.{:03}",
            r.pick(STATUSES),
            r.below(60_000),
            r.pick(AGENTS),
            r.below(3),
            r.below(1000)
        );
    }

    fn app_log(&mut self, out: &mut String) {
        let (d, h, m, s, ms) = self.tick();
        let r = &mut self.rng;
        let _ = write!(
            out,
            "2024-05-{d:02} {h:02}:{m:02}:{s:02},{ms:03} {:<5} [worker-{}] {}.sync: ",
            r.pick(LEVELS).to_ascii_uppercase(),
            r.below(16),
            r.pick(SERVICES)
        );
        if r.chance(15) {
            out.push_str(r.pick(CHATTER));
        } else {
            let _ = write!(out, "{} (", r.pick(MESSAGES));
            let _ = write!(out, "n={} elapsed={}ms trace=", r.below(500), r.below(5000));
            r.hex(out, 16);
            out.push(')');
        }
        out.push('\n');
    }

    fn python_trace(&mut self, out: &mut String) {
        out.push_str("Traceback (most recent call last):\n");
        for _ in 0..self.rng.range(2, 6) {
            let r = &mut self.rng;
            let _ = writeln!(
                out,
                "  File \"{}\", line {}, in {}",
                r.pick(PY_FILES),
                r.range(10, 900),
                r.pick(&[
                    "handle",
                    "fetch",
                    "send",
                    "_execute_context",
                    "commit",
                    "get"
                ])
            );
            out.push_str("    result = self.client.fetch(order_id=\"");
            self.uuid(out);
            out.push_str("\")\n");
        }
        let r = &mut self.rng;
        let _ = write!(
            out,
            "{}: order ",
            r.pick(&[
                "ValueError",
                "KeyError",
                "TimeoutError",
                "sqlalchemy.exc.OperationalError"
            ])
        );
        self.uuid(out);
        out.push_str(" not found\n");
    }

    fn java_trace(&mut self, out: &mut String) {
        self.iso(out);
        out.push_str(" ERROR [http-nio-8080-exec-");
        let _ = write!(out, "{}] Request processing failed: ", self.rng.below(200));
        out.push_str("java.lang.IllegalStateException: no order with id ");
        self.uuid(out);
        out.push('\n');
        for _ in 0..self.rng.range(3, 9) {
            let r = &mut self.rng;
            let _ = writeln!(out, "\tat {}{})", r.pick(JAVA_FRAMES), r.range(20, 2000));
        }
        let _ = writeln!(out, "\t... {} more", self.rng.range(5, 80));
    }

    fn ci_log(&mut self, out: &mut String) {
        self.iso(out);
        let r = &mut self.rng;
        match r.below(4) {
            0 => {
                out.push_str(" #12 [build 4/9] RUN npm ci --no-audit\n");
            }
            1 => {
                out.push_str(" Digest: sha256:");
                r.hex(out, 64);
                out.push('\n');
            }
            2 => {
                out.push_str(" HEAD is now at ");
                r.hex(out, 7);
                let _ = writeln!(out, " Merge pull request #{} from acme/fix", r.below(9000));
            }
            _ => {
                let _ = write!(
                    out,
                    " ok {} - {} tests passed (",
                    r.below(400),
                    r.below(4000)
                );
                let _ = writeln!(out, "{}.{}s)", r.below(90), r.below(100));
            }
        }
    }

    fn http_dump(&mut self, out: &mut String) {
        let r = &mut self.rng;
        let _ = write!(
            out,
            "> {} {} HTTP/1.1\n> Host: api.internal.acme\n> User-Agent: {}\n\
             > Accept: application/json\n> X-Request-Id: ",
            r.pick(METHODS),
            r.pick(PATHS),
            r.pick(AGENTS)
        );
        self.uuid(out);
        let r = &mut self.rng;
        let _ = write!(
            out,
            "\n>\n< HTTP/1.1 {}\n< Content-Type: application/json\n< ETag: \"",
            r.pick(STATUSES)
        );
        r.hex(out, 40);
        out.push_str("\"\n<\n");
    }

    fn benign(&mut self, out: &mut String) {
        match self.rng.below(100) {
            0..=34 => self.json_log(out),
            35..=59 => self.access_log(out),
            60..=84 => self.app_log(out),
            85..=88 => self.python_trace(out),
            89..=91 => self.java_trace(out),
            92..=96 => self.ci_log(out),
            _ => self.http_dump(out),
        }
    }

    // -----------------------------------------------------------------------
    // Planted secrets, each inside a line of context.

    fn jwt(&mut self, out: &mut String) {
        out.push_str("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.");
        let mut payload = String::from("{\"sub\":\"");
        self.uuid(&mut payload);
        let r = &mut self.rng;
        let _ = write!(
            payload,
            "\",\"iat\":{},\"scope\":\"orders:read\"}}",
            1_715_000_000 + r.below(1_000_000)
        );
        base64url(payload.as_bytes(), out);
        out.push('.');
        r.pick_chars(out, B64URL, 43);
    }

    fn card(&mut self, out: &mut String) {
        let r = &mut self.rng;
        let mut d = [0u8; 16];
        d[0] = 4;
        for x in d.iter_mut().take(15).skip(1) {
            *x = r.below(10) as u8;
        }
        // Luhn: double every second digit from the right, starting left of the check digit.
        let mut sum = 0u32;
        for (i, &x) in d[..15].iter().rev().enumerate() {
            let mut v = u32::from(x);
            if i % 2 == 0 {
                v *= 2;
                if v > 9 {
                    v -= 9;
                }
            }
            sum += v;
        }
        d[15] = ((10 - sum % 10) % 10) as u8;
        let spaced = r.chance(50);
        for (i, x) in d.iter().enumerate() {
            if spaced && i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            out.push((b'0' + x) as char);
        }
    }

    fn email(&mut self, out: &mut String) {
        let r = &mut self.rng;
        let _ = write!(
            out,
            "{}.{}{}@{}",
            r.pick(FIRST),
            r.pick(LAST),
            r.below(100),
            r.pick(MAIL_DOMAINS)
        );
    }

    fn password(&mut self, out: &mut String) {
        self.rng.pick_chars(
            out,
            b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%*+-",
            16,
        );
    }

    fn secret(&mut self, out: &mut String) {
        match self.rng.below(10) {
            0 => {
                out.push_str("+ export GITHUB_TOKEN=ghp_");
                self.rng.alnum(out, 36);
                out.push('\n');
            }
            1 => {
                self.iso(out);
                out.push_str(" DEBUG boto: aws_access_key_id=AKIA");
                self.rng
                    .pick_chars(out, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
                out.push_str(" aws_secret_access_key=");
                self.rng.pick_chars(out, ALNUM, 40);
                out.push('\n');
            }
            2 => {
                out.push_str("> Authorization: Bearer ");
                self.jwt(out);
                out.push('\n');
            }
            3 => {
                out.push_str("{\"ts\":\"");
                self.iso(out);
                out.push_str(
                    "\",\"level\":\"debug\",\"msg\":\"db connect\",\"dsn\":\"postgres://app:",
                );
                self.password(out);
                out.push_str("@db-primary.internal:5432/orders?sslmode=require\"}\n");
            }
            4 => {
                out.push_str("[config] redis.host=cache.internal redis.password=");
                self.password(out);
                out.push('\n');
            }
            5 => {
                out.push_str("{\"ts\":\"");
                self.iso(out);
                out.push_str("\",\"level\":\"info\",\"msg\":\"invite sent\",\"to\":\"");
                self.email(out);
                out.push_str("\"}\n");
            }
            6 => {
                self.iso(out);
                out.push_str(" WARN payment rejected card_number=");
                self.card(out);
                let _ = writeln!(
                    out,
                    " exp=0{}/2{}",
                    self.rng.range(1, 9),
                    self.rng.range(5, 9)
                );
            }
            7 => {
                out.push_str("stripe.api_key = \"sk_live_");
                self.rng.alnum(out, 24);
                out.push_str("\"\n");
            }
            8 => {
                out.push_str("SLACK_BOT_TOKEN=xoxb-");
                let r = &mut self.rng;
                r.digits(out, 12);
                out.push('-');
                r.digits(out, 13);
                out.push('-');
                r.alnum(out, 24);
                out.push('\n');
            }
            _ => {
                out.push_str("Cookie: session=");
                self.rng.hex(out, 32);
                out.push_str("; token=gho_");
                self.rng.alnum(out, 36);
                out.push('\n');
            }
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Profile {
    Sparse,
    Dense,
}

impl Profile {
    fn name(self) -> &'static str {
        match self {
            Profile::Sparse => "sparse",
            Profile::Dense => "dense",
        }
    }

    /// Mean distance between planted secrets, in bytes.
    fn gap(self) -> usize {
        match self {
            Profile::Sparse => 100_000,
            Profile::Dense => 300,
        }
    }

    fn seed(self) -> u64 {
        match self {
            Profile::Sparse => 0x5EED_5BA5_0001,
            Profile::Dense => 0x5EED_DE25_0002,
        }
    }
}

/// Generates about `bytes` bytes (whole lines) of the profile's corpus and
/// the number of planted secrets.
fn corpus(profile: Profile, bytes: usize) -> (Vec<u8>, usize) {
    let mut g = Gen {
        rng: Rng::new(profile.seed()),
        clock: 8 * 3600,
    };
    let gap = profile.gap();
    let mut out = String::with_capacity(bytes + 4096);
    // Secrets are scheduled by start offset, so the mean distance between two
    // of them stays near `gap` even when the gap is no longer than a line.
    let mut next = g.rng.range(gap / 2, gap * 3 / 2);
    let mut planted = 0;
    while out.len() < bytes {
        if out.len() >= next {
            next += g.rng.range(gap / 2, gap * 3 / 2);
            g.secret(&mut out);
            planted += 1;
        } else {
            g.benign(&mut out);
        }
    }
    (out.into_bytes(), planted)
}

fn load(profile: Profile) -> (Vec<u8>, String) {
    let var = match profile {
        Profile::Sparse => "STANCH_BENCH_SPARSE_FILE",
        Profile::Dense => "STANCH_BENCH_DENSE_FILE",
    };
    if let Some(path) = std::env::var_os(var) {
        let mut data = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{var}={}: {e}", path.to_string_lossy()));
        data.truncate(CORPUS_BYTES);
        let what = format!("{} (first {} bytes)", path.to_string_lossy(), data.len());
        return (data, what);
    }
    let (data, planted) = corpus(profile, CORPUS_BYTES);
    let what = format!("generated, {} bytes, {planted} planted secrets", data.len());
    (data, what)
}

fn write_corpora(dir: &str) {
    std::fs::create_dir_all(dir).expect("create corpus dir");
    for (profile, var, default) in [
        (
            Profile::Sparse,
            "STANCH_BENCH_SPARSE_BYTES",
            100_000_000usize,
        ),
        (Profile::Dense, "STANCH_BENCH_DENSE_BYTES", 20_000_000usize),
    ] {
        let bytes = std::env::var(var)
            .ok()
            .map(|v| {
                v.parse()
                    .unwrap_or_else(|_| panic!("{var}: not a number: {v}"))
            })
            .unwrap_or(default);
        let (data, planted) = corpus(profile, bytes);
        let path = format!("{dir}/{}.log", profile.name());
        std::fs::write(&path, &data).unwrap_or_else(|e| panic!("{path}: {e}"));
        eprintln!(
            "wrote {path}: {} bytes, {planted} planted secrets",
            data.len()
        );
    }
}

// ---------------------------------------------------------------------------
// Benchmarks.

fn bench_scan(c: &mut Criterion, db: &RuleDb, corpora: &[(Profile, Vec<u8>)]) {
    let mut group = c.benchmark_group("scan");
    for (profile, data) in corpora {
        group.throughput(Throughput::Bytes(data.len() as u64));
        let mut scratch = db.scratch();
        let mut found = Vec::new();
        group.bench_function(profile.name(), |b| {
            b.iter(|| {
                db.scan(black_box(data), &mut scratch, &mut found);
                found.len()
            })
        });
    }
    group.finish();
}

/// Which rules of the pack a partial db keeps.
type Keep = fn(&RuleSpec) -> bool;

/// Pieces of the scan, each on its own, on the sparse corpus.
fn bench_parts(c: &mut Criterion, specs: &[RuleSpec], data: &[u8]) {
    let mut group = c.benchmark_group("parts-sparse");
    group.throughput(Throughput::Bytes(data.len() as u64));

    group.bench_function("newlines-memchr", |b| {
        b.iter(|| memchr::memchr_iter(b'\n', black_box(data)).count())
    });

    let mut keywords: Vec<String> = specs
        .iter()
        .filter(|s| s.finder.is_none())
        .flat_map(|s| s.keywords.iter().map(|k| k.to_ascii_lowercase()))
        .collect();
    keywords.sort();
    keywords.dedup();
    if !keywords.is_empty() {
        // The db's prefilter is private: this is the same keyword set in one
        // Aho-Corasick DFA walked by a single cursor (the engine's prefilter
        // walks the same kind of DFA with several cursors in lockstep). A
        // reference point for the cost of the keyword set itself.
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&keywords)
            .expect("keywords build");
        group.bench_function("keywords-ac-single-walker", |b| {
            b.iter(|| ac.find_overlapping_iter(black_box(data)).count())
        });
    }

    let split: [(&str, Keep); 2] = [
        ("keyword-rules-only", |s| s.finder.is_none()),
        ("finder-rules-only", |s| s.finder.is_some()),
    ];
    for (name, keep) in split {
        let subset: Vec<RuleSpec> = specs.iter().filter(|s| keep(s)).cloned().collect();
        if subset.is_empty() {
            continue;
        }
        let db = RuleDb::new(subset).expect("subset of the built-in pack compiles");
        let mut scratch = db.scratch();
        let mut found = Vec::new();
        group.bench_function(name, |b| {
            b.iter(|| {
                db.scan(black_box(data), &mut scratch, &mut found);
                found.len()
            })
        });
    }
    group.finish();
}

fn bench_compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    group.bench_function("builtin-pack", |b| {
        b.iter(|| pack::builtin().expect("built-in pack compiles").len())
    });
    group.finish();
}

fn main() {
    if let Ok(dir) = std::env::var("STANCH_BENCH_WRITE_CORPUS") {
        write_corpora(&dir);
        return;
    }
    let specs = pack::builtin_specs().expect("built-in pack parses");
    let db = pack::builtin().expect("built-in pack compiles");
    let mut corpora = Vec::new();
    for profile in [Profile::Sparse, Profile::Dense] {
        let (data, what) = load(profile);
        let mut scratch = db.scratch();
        let mut found = Vec::new();
        db.scan(&data, &mut scratch, &mut found);
        eprintln!(
            "{}: {what}; {} rules find {} findings",
            profile.name(),
            db.len(),
            found.len()
        );
        corpora.push((profile, data));
    }

    // Small samples keep the whole run around a minute on 2 cores; command
    // line options (`-- --sample-size 50`) still override these.
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    bench_scan(&mut c, &db, &corpora);
    bench_parts(&mut c, &specs, &corpora[0].1);
    bench_compile(&mut c);
    c.final_summary();
}
