#!/usr/bin/env python3
"""Which keysweep rule covers each credential other scanners detect, and why each of their
examples keysweep misses is missed. Writes docs/peer-coverage.md.

    python3 benches/peer-coverage.py --keysweep target/release/keysweep \
        --eval ../shared/eval [--gitleaks-config PATH/TO/gitleaks/config/gitleaks.toml]

Nosey Parker's and Kingfisher 1.x's rules carry examples (`--eval` holds them as
`peer-examples/*.jsonl`): each example is scanned on its own, and a rule is covered by the
keysweep rules that report its examples. A missed example is put in one category, from what
`keysweep rules explain` says about it:

  not a credential   the peer rule finds identifiers, not secrets (IDs, bucket names, ARNs,
                     URLs, usernames, public keys): out of scope on purpose
  placeholder        a keysweep rule matched and dropped the value as a placeholder, published
                     documentation example, stopword or too-low entropy / character mix; or the
                     example is plainly typed (`1234567`, `abcdefg`, `xxxx`, a character six
                     times in a row) and no rule matched it
  failed checksum    a keysweep rule matched and the token's checksum or structure failed
  rule too narrow    a keysweep rule of that provider saw its keyword but its regex did not match
  no rule            nothing of keysweep's knows this credential

Only the last two are defects. gitleaks' rules carry no examples in its config, so they are
matched to keysweep's by provider name (`--gitleaks-config`, a file of a local checkout; the
script downloads nothing). The examples are measured, never copied: the report names rules and
counts, not example text.
"""
import argparse, collections, json, os, re, subprocess, sys, tempfile

OUT_OF_SCOPE = re.compile(
    r"\b(id|ids|identifier|bucket|arn|amazon resource name|url|uri|domain|host|username|user name|"
    r"user|email|public key|recipient|org(anization)? name|account name|subscription|"
    r"project name|client id|application id|app id|product id|region|endpoint|dsn public)\b",
    re.I,
)
# A peer rule whose name says secret/password/token/key is a credential even if it also says
# "ID" ("Client ID and Secret").
CREDENTIAL = re.compile(r"secret|password|token|api key|private|credential|hash|webhook", re.I)
SETS = {"noseyparker": "Nosey Parker", "kingfisher-1x": "Kingfisher 1.x"}
# An example whose text holds a run like these was typed, not issued: when no keysweep rule even
# matches it, it is counted as a placeholder, not as a rule too narrow.
TYPED = re.compile(r"1234567|abcdefg|bcdefgh|qwerty|(.)\1{5,}|example|your[_-]|<your|xxxx|dummy|sample", re.I)


def norm(s):
    return re.sub(r"[^a-z0-9]", "", s.lower())


def provider_of(peer_rule):
    # np.aws.1, kingfisher.azure.devops.1 -> aws, azure
    return peer_rule.split(".")[1]


def run_json(args):
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"{args[0]} failed ({out.returncode}): {out.stderr.strip()}")
    return json.loads(out.stdout)


def categorise(keysweep, path, peer_rule, peer_name, ks_providers):
    if OUT_OF_SCOPE.search(peer_name) and not CREDENTIAL.search(peer_name):
        return "not a credential"
    explained = run_json([keysweep, "rules", "explain", path, "--format", "json"])
    stages = {e["stage"] for e in explained}
    if "checksum" in stages:
        return "failed checksum"
    if stages & {"placeholder", "filtered"}:
        return "placeholder"
    with open(path, errors="replace") as f:
        if TYPED.search(f.read()):
            return "placeholder"
    peer_provider = norm(provider_of(peer_rule))
    same_provider = any(
        e["stage"] == "no-match" and norm(e["rule"].split(".")[0]) in (peer_provider, norm(peer_name.split()[0]))
        for e in explained
    )
    if same_provider or peer_provider in ks_providers:
        return "rule too narrow"
    return "no rule"


def example_sets(eval_dir):
    for name in SETS:
        with open(os.path.join(eval_dir, "peer-examples", f"{name}.jsonl")) as f:
            yield name, [json.loads(line) for line in f]


def gitleaks_rows(config, ks_providers):
    import tomllib

    with open(config, "rb") as f:
        rules = tomllib.load(f).get("rules", [])
    rows = []
    for rule in rules:
        rid = rule["id"]
        words = rid.split("-")
        # The longest leading run of words that names a keysweep provider: `azure-ad-client-secret`
        # -> azure, `adobe-client-secret` -> adobe.
        match = next(
            (norm("".join(words[:n])) for n in range(len(words), 0, -1) if norm("".join(words[:n])) in ks_providers),
            None,
        )
        rows.append((rid, ks_providers[match] if match else None))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keysweep", required=True)
    ap.add_argument("--eval", required=True, help="the folder holding peer-examples/")
    ap.add_argument("--gitleaks-config", help="gitleaks' config/gitleaks.toml from a local checkout")
    ap.add_argument("--out", default="docs/peer-coverage.md")
    a = ap.parse_args()

    ks_rules = run_json([a.keysweep, "rules", "list", "--format", "json"])
    ks_providers = collections.defaultdict(list)
    for r in ks_rules:
        ks_providers[norm(r["provider"])].append(r["id"])

    lines = [
        "# Coverage of other scanners' detections",
        "",
        "Generated by `benches/peer-coverage.py` (see its header for the method); do not edit by hand.",
        f"keysweep: {len(ks_rules)} rules from {len(ks_providers)} providers.",
        "",
    ]
    summary, defects = [], []
    for set_name, examples in example_sets(a.eval):
        with tempfile.TemporaryDirectory() as tmp:
            paths = {}
            for i, ex in enumerate(examples):
                path = os.path.join(tmp, f"{i:05d}.txt")
                with open(path, "w") as f:
                    f.write(ex["text"])
                paths[i] = path
            report = os.path.join(tmp, "report.json")
            subprocess.run([a.keysweep, "scan", tmp, "--format", "json", "--output", report, "-q"], check=False)
            with open(report) as f:
                findings = json.load(f)["findings"]
            rules_in = collections.defaultdict(set)
            for finding in findings:
                for occurrence in finding["occurrences"]:
                    rules_in[os.path.basename(occurrence["path"])].add(finding["rule_id"])
            by_rule = collections.OrderedDict()
            for i, ex in enumerate(examples):
                by_rule.setdefault((ex["rule"], ex["rule_name"]), []).append((i, ex))
            counts = collections.Counter()
            table = []
            for (rule, name), items in by_rule.items():
                covering, cats = set(), collections.Counter()
                for i, ex in items:
                    hit = rules_in.get(os.path.basename(paths[i]), set())
                    if ex["kind"] == "neg":
                        counts["negative flagged" if hit else "negative clean"] += 1
                        continue
                    if hit:
                        covering |= hit
                        counts["found"] += 1
                    else:
                        cat = categorise(a.keysweep, paths[i], rule, name, ks_providers)
                        cats[cat] += 1
                        counts[cat] += 1
                if covering or cats:
                    what = ", ".join(f"`{r}`" for r in sorted(covering)) or "—"
                    missed = "; ".join(f"{n} {c}" for c, n in cats.most_common())
                    table.append(f"| {rule} | {name} | {what} | {missed} |")
                    if cats["no rule"] or cats["rule too narrow"]:
                        defects.append(f"{SETS[set_name]} {rule} ({name}): " + missed)
        positives = sum(1 for e in examples if e["kind"] == "pos")
        summary.append((set_name, positives, counts))
        lines += [
            f"## {SETS[set_name]}",
            "",
            "| their rule | name | keysweep rules that report its examples | missed examples, by category |",
            "|---|---|---|---|",
            *table,
            "",
        ]
    if a.gitleaks_config:
        rows = gitleaks_rows(a.gitleaks_config, ks_providers)
        covered = sum(1 for _, ks in rows if ks)
        lines += [
            "## gitleaks / Betterleaks",
            "",
            f"Matched by provider name (gitleaks' config carries no examples): {covered} of {len(rows)} rules "
            "name a provider keysweep has rules for.",
            "",
            "| their rule | keysweep rules of that provider |",
            "|---|---|",
            *(f"| {rid} | {', '.join(f'`{r}`' for r in ks[:4]) + (' …' if ks and len(ks) > 4 else '') if ks else 'none by name'} |" for rid, ks in rows),
            "",
        ]
    head = ["| examples | positives | found | placeholder | failed checksum | not a credential | rule too narrow | no rule | negatives flagged |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for set_name, positives, c in summary:
        negs = c["negative flagged"] + c["negative clean"]
        head.append(
            f"| {SETS[set_name]} | {positives} | {c['found']} ({c['found'] / positives:.2f}) | {c['placeholder']} | "
            f"{c['failed checksum']} | {c['not a credential']} | {c['rule too narrow']} | {c['no rule']} | "
            f"{c['negative flagged']} of {negs} |"
        )
    lines[5:5] = ["## Summary", "", *head, ""]
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(head))
    print(f"{len(defects)} peer rules with defects (no rule or too narrow); written to {a.out}")


if __name__ == "__main__":
    main()
