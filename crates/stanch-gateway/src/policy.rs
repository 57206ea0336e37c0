//! What happens to a finding: allow, warn, redact, block or
//! require approval. Decisions are values; the proxy applies them in one
//! place.
//!
//! Precedence: canaries and registered secrets always block; then a rule id
//! entry, then the category entry, then the default (redact). A finding below
//! the redactor's minimum severity (IP addresses by default) is allowed.

use stanch_engine::{Category, Rule};
use stanch_redact::taint::{CANARY_RULE, REGISTERED_RULE};
use std::collections::HashMap;

/// What the gateway does with one finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Passed on unchanged, not recorded.
    Allow,
    /// Passed on unchanged; counted and announced in a response header.
    Warn,
    /// Replaced by a placeholder or pseudonym (the default).
    Redact,
    /// The whole request is refused.
    Block,
    /// Held until an approver approves it (needs an audit store; see
    /// [`crate::approval`]).
    RequireApproval,
}

impl Action {
    pub fn parse(s: &str) -> Option<Action> {
        Some(match s {
            "allow" => Action::Allow,
            "warn" => Action::Warn,
            "redact" => Action::Redact,
            "block" => Action::Block,
            "require_approval" | "require-approval" => Action::RequireApproval,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Warn => "warn",
            Action::Redact => "redact",
            Action::Block => "block",
            Action::RequireApproval => "require_approval",
        }
    }

    /// How restrictive: allow < warn < redact < require_approval < block
    /// (when several apply to one request, the highest wins).
    pub fn rank(self) -> u8 {
        match self {
            Action::Allow => 0,
            Action::Warn => 1,
            Action::Redact => 2,
            Action::RequireApproval => 3,
            Action::Block => 4,
        }
    }

    /// True for the actions that refuse the request.
    pub fn refuses(self) -> bool {
        matches!(self, Action::Block | Action::RequireApproval)
    }
}

/// The per-route policy.
#[derive(Clone, Debug)]
pub struct RoutePolicy {
    /// Action per rule id (wins over `by_category`).
    pub by_rule: HashMap<String, Action>,
    /// Action per finding category.
    pub by_category: HashMap<CategoryKey, Action>,
    /// Action when nothing else matches.
    pub default: Action,
    /// Forward a body the gateway cannot parse instead of refusing it
    /// (recorded in logs and metrics). Off by default: fail closed.
    pub fail_open: bool,
    /// Put pseudonyms in model output back to the originals of this request.
    pub restore: bool,
}

/// `Category` as a map key (the engine's type is not `Hash`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CategoryKey {
    Secret,
    Pii,
}

impl From<Category> for CategoryKey {
    fn from(c: Category) -> CategoryKey {
        match c {
            Category::Secret => CategoryKey::Secret,
            Category::Pii => CategoryKey::Pii,
        }
    }
}

impl Default for RoutePolicy {
    /// The quick-start policy: redact secrets and PII, block canaries and
    /// registered secrets, fail closed, restore pseudonyms.
    fn default() -> Self {
        RoutePolicy {
            by_rule: HashMap::new(),
            by_category: HashMap::new(),
            default: Action::Redact,
            fail_open: false,
            restore: true,
        }
    }
}

impl RoutePolicy {
    /// The action for a finding of `rule`; `applies` is whether the
    /// redactor's severity floor lets it through.
    pub fn action(&self, rule: &Rule, applies: bool) -> Action {
        if is_always_block(rule.id()) {
            return Action::Block;
        }
        if let Some(a) = self.by_rule.get(rule.id()) {
            return *a;
        }
        if !applies {
            return Action::Allow;
        }
        self.by_category
            .get(&rule.category().into())
            .copied()
            .unwrap_or(self.default)
    }
}

/// Canaries and registered secrets block whatever the policy says.
pub fn is_always_block(rule_id: &str) -> bool {
    rule_id == CANARY_RULE || rule_id == REGISTERED_RULE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence() {
        let db = stanch_engine::pack::builtin().unwrap();
        let rule = |id: &str| db.rule(db.lookup(id).unwrap());
        let mut p = RoutePolicy::default();
        assert_eq!(p.action(rule("email"), true), Action::Redact);
        assert_eq!(p.action(rule("email"), false), Action::Allow);
        p.by_category.insert(CategoryKey::Pii, Action::Warn);
        assert_eq!(p.action(rule("email"), true), Action::Warn);
        assert_eq!(p.action(rule("github-pat"), true), Action::Redact);
        p.by_rule
            .insert("github-pat".into(), Action::RequireApproval);
        assert!(p.action(rule("github-pat"), true).refuses());
        // Always block, even when the policy says allow.
        p.by_rule.insert(CANARY_RULE.into(), Action::Allow);
        p.default = Action::Allow;
        assert_eq!(p.action(rule(CANARY_RULE), true), Action::Block);
        assert_eq!(p.action(rule(REGISTERED_RULE), false), Action::Block);
    }

    #[test]
    fn parse_round_trips() {
        for a in [
            Action::Allow,
            Action::Warn,
            Action::Redact,
            Action::Block,
            Action::RequireApproval,
        ] {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
        assert_eq!(Action::parse("drop"), None);
        assert!(Action::Block.rank() > Action::RequireApproval.rank());
        assert!(Action::RequireApproval.rank() > Action::Redact.rank());
        assert!(Action::Redact.rank() > Action::Warn.rank());
        assert!(Action::Warn.rank() > Action::Allow.rank());
    }
}
