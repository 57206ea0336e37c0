//! Prometheus metrics, served at `/metrics`. Labels are route names, rule
//! ids, categories, directions, decisions and error kinds: never values,
//! paths with ids, or anything from a body.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};

use crate::inspect::{Direction, Tally};

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    pub requests: IntCounterVec,
    pub findings: IntCounterVec,
    pub blocked: IntCounterVec,
    pub latency: HistogramVec,
    pub scan_latency: HistogramVec,
    pub upstream_errors: IntCounterVec,
    pub open_streams: IntGauge,
    /// Audit records that could not be written.
    pub audit_errors: prometheus::IntCounter,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
    60.0, 120.0,
];

impl Metrics {
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("stanch_requests_total", "Requests by route and decision"),
            &["route", "decision"],
        )?;
        let findings = IntCounterVec::new(
            Opts::new(
                "stanch_findings_total",
                "Findings by rule, category, direction and action",
            ),
            &["rule", "category", "direction", "action"],
        )?;
        let blocked = IntCounterVec::new(
            Opts::new(
                "stanch_blocked_total",
                "Requests refused by policy, by route",
            ),
            &["route"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "stanch_request_duration_seconds",
                "Time from request to response headers (streams: to first byte)",
            )
            .buckets(BUCKETS.to_vec()),
            &["route"],
        )?;
        let scan_latency = HistogramVec::new(
            HistogramOpts::new(
                "stanch_scan_duration_seconds",
                "Time spent scanning and redacting bodies",
            )
            .buckets(BUCKETS.to_vec()),
            &["direction"],
        )?;
        let upstream_errors = IntCounterVec::new(
            Opts::new(
                "stanch_upstream_errors_total",
                "Upstream failures by route and kind",
            ),
            &["route", "kind"],
        )?;
        let open_streams = IntGauge::new("stanch_open_streams", "Streams being relayed now")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(findings.clone()))?;
        registry.register(Box::new(blocked.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(scan_latency.clone()))?;
        registry.register(Box::new(upstream_errors.clone()))?;
        registry.register(Box::new(open_streams.clone()))?;
        let audit_errors = prometheus::IntCounter::new(
            "stanch_audit_errors_total",
            "Audit records that could not be written",
        )?;
        registry.register(Box::new(audit_errors.clone()))?;
        Ok(Metrics {
            registry,
            requests,
            findings,
            blocked,
            latency,
            scan_latency,
            upstream_errors,
            open_streams,
            audit_errors,
        })
    }

    /// Counts a tally's findings.
    pub fn record_findings(&self, dir: Direction, tally: &Tally) {
        for ((rule, category, action), n) in &tally.counts {
            self.findings
                .with_label_values(&[rule.as_str(), category, dir.as_str(), action.as_str()])
                .inc_by(*n);
        }
    }

    /// The text exposition format.
    pub fn render(&self) -> Vec<u8> {
        let mut out = Vec::new();
        // Encoding counters into a Vec cannot fail.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Action;

    #[test]
    fn renders_labels_without_values() {
        let m = Metrics::new().unwrap();
        let mut t = Tally::default();
        t.add(
            "github-pat",
            stanch_engine::Category::Secret,
            Action::Redact,
        );
        m.record_findings(Direction::Request, &t);
        m.requests
            .with_label_values(&["quickstart", "redacted"])
            .inc();
        let text = String::from_utf8(m.render()).unwrap();
        assert!(text.contains(
            r#"stanch_findings_total{action="redact",category="secret",direction="request",rule="github-pat"} 1"#
        ), "{text}");
        assert!(text.contains(r#"stanch_requests_total{decision="redacted",route="quickstart"} 1"#));
    }
}
