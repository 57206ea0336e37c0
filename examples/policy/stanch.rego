# Example gateway policy (stanch serve --policy examples/policy or
# [policy] files = ["examples/policy"]). The gateway evaluates
# data.stanch.decision for every request; the most restrictive of this
# answer and the built-in actions wins. Run its tests with
#   stanch policy test examples/policy
package stanch

# Without a matching rule: no opinion (the built-in actions decide).
default decision := {"action": "allow", "reasons": []}

secrets := [f | some f in input.findings; f.category == "secret"]

pii := [f | some f in input.findings; f.category == "pii"]

# Every request on the production route states why it is made.
decision := {"action": "block", "reasons": ["requests to prod need a purpose (X-Stanch-Purpose)"]} if {
	input.route == "prod"
	input.purpose == ""
}

# Secrets going to prod need a human's approval, unless an SRE sends them.
decision := {"action": "require_approval", "reasons": ["secrets sent to prod"]} if {
	input.route == "prod"
	input.purpose != ""
	count(secrets) > 0
	not "sre" in input.roles
}

# Large amounts of personal data are suspicious anywhere.
decision := {"action": "block", "reasons": ["more than 20 personal data findings"]} if {
	input.route != "prod"
	sum([f.count | some f in pii]) > 20
}

test_clean_request_is_allowed if {
	decision.action == "allow" with input as {"route": "dev", "purpose": "", "roles": ["dev"], "findings": []}
}

test_prod_needs_a_purpose if {
	decision.action == "block" with input as {"route": "prod", "purpose": "", "roles": ["dev"], "findings": []}
}

test_secrets_to_prod_need_approval if {
	decision.action == "require_approval" with input as {
		"route": "prod", "purpose": "incident 42", "roles": ["dev"],
		"findings": [{"rule": "github-pat", "category": "secret", "severity": "high", "count": 1}],
	}
}

test_sre_sends_secrets_to_prod if {
	decision.action == "allow" with input as {
		"route": "prod", "purpose": "incident 42", "roles": ["sre"],
		"findings": [{"rule": "github-pat", "category": "secret", "severity": "high", "count": 1}],
	}
}

test_bulk_pii_blocked if {
	decision.action == "block" with input as {
		"route": "dev", "purpose": "", "roles": [],
		"findings": [{"rule": "email", "category": "pii", "severity": "medium", "count": 25}],
	}
}
