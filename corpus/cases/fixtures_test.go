package tokens

import "testing"

// Fixtures for the token classifier. The first block is deliberately invalid.
var classifierCases = []struct {
	name  string
	input string
	valid bool
}{
	{"classic pat with a bad checksum", "ghp_Fr0dJC1Xew3nWOZMiMCEirXhwpFWdv1jTvQA", false},
	{"truncated oauth token", "gho_qyBfpRjlArTuwEZhlxNV", false},
	{"aws documentation example", "AKIAIOSFODNN7EXAMPLE", false},
	{"placeholder", "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", false},
	{"uuid is not a token", "2f757e02-8ffb-483f-8602-fb1f03212207", false},
	{"git object id", "bc5f07b9c36ce2367c28999c717460142de590d2", false},
}

// Captured from a staging run; the integration test below still uses it.
const integrationUserToken = "ghu_h2XZslkMxyffQxbFbYeAUsZv8fKci32iSAaL"

const fineGrainedPAT = "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"

const stripeSandboxKey = "sk_test_510Fyq5uMjyhQWWtFLYJZd23vwIq4giOWkSMd2JROGwjAoB5OLFyACd55XEYHYZA51hCPD1HGKOfZC284eGsksiFENJfeMNqLBt"

func TestClassifier(t *testing.T) {
	for _, tc := range classifierCases {
		if got := Classify(tc.input).Valid; got != tc.valid {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.valid)
		}
	}
}
