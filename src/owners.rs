//! CODEOWNERS files (GitHub and GitLab syntax): who owns a path, so a finding can name the people
//! who should rotate its secret. Every pattern is compiled once, at parse time, into one
//! [`GlobSet`]; a lookup is one set match, then the last matching rule of each section.

use std::collections::BTreeMap;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

/// Where forges look for the file, in the order GitHub checks them, then GitLab's own.
pub const CODEOWNERS_PATHS: [&str; 4] = [
    ".github/CODEOWNERS",
    "CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
];

/// A parsed CODEOWNERS file. The default owns nothing.
#[derive(Debug, Default, Clone)]
pub struct CodeOwners {
    /// Every rule's globs in one set; glob `i` belongs to rule `glob_rule[i]`.
    globs: GlobSet,
    glob_rule: Vec<usize>,
    /// In file order: of two matching rules, the later has the larger index.
    rules: Vec<Rule>,
    problems: Vec<String>,
}

#[derive(Debug, Clone)]
struct Rule {
    /// Sections are numbered in order of first appearance; 0 is the unnamed one before any
    /// header, which is all a GitHub file has.
    section: usize,
    /// The rule's own owners, else its section's default owners (resolved when parsing).
    owners: Vec<String>,
}

impl CodeOwners {
    /// Parses the file's text. Never fails: lines that cannot be understood are skipped and
    /// listed by `problems()`.
    pub fn parse(text: &str) -> CodeOwners {
        let mut parsed = CodeOwners::default();
        let mut set = GlobSetBuilder::new();
        // GitLab compares section names case-insensitively and merges sections of the same name.
        let mut sections = vec![String::new()];
        let (mut section, mut defaults) = (0, Vec::new());
        for (number, line) in text.lines().enumerate() {
            let line = strip_comment(line).trim();
            if line.is_empty() {
                continue;
            }
            let outcome = match section_header(line) {
                Some(header) => header.map(|(name, owners)| {
                    let name = name.to_lowercase();
                    section = sections
                        .iter()
                        .position(|known| *known == name)
                        .unwrap_or(sections.len());
                    if section == sections.len() {
                        sections.push(name);
                    }
                    defaults = owners;
                }),
                None => parse_rule(line).map(|(globs, own)| {
                    for glob in globs {
                        set.add(glob);
                        parsed.glob_rule.push(parsed.rules.len());
                    }
                    let owners = if own.is_empty() {
                        defaults.clone()
                    } else {
                        own
                    };
                    parsed.rules.push(Rule { section, owners });
                }),
            };
            if let Err(why) = outcome {
                parsed.problems.push(format!("line {}: {why}", number + 1));
            }
        }
        match set.build() {
            Ok(globs) => parsed.globs = globs,
            // Each glob already compiled alone: only a size limit of the combined set is left.
            Err(err) => parsed.problems.push(format!("patterns: {err}")),
        }
        parsed
    }

    /// The owners of `path` (repository-relative, `/`-separated, no leading slash), in file
    /// order, deduplicated. Empty when nobody owns it (or the matching rule lists no owners,
    /// which in GitHub means "unowned").
    pub fn owners_of(&self, path: &str) -> Vec<String> {
        // Section number → its last matching rule; sections then combine in order.
        let mut last: BTreeMap<usize, usize> = BTreeMap::new();
        for glob in self.globs.matches(path) {
            let rule = self.glob_rule[glob];
            let winner = last.entry(self.rules[rule].section).or_insert(rule);
            *winner = (*winner).max(rule);
        }
        let mut owners: Vec<String> = Vec::new();
        for owner in last.values().flat_map(|&rule| &self.rules[rule].owners) {
            if !owners.contains(owner) {
                owners.push(owner.clone());
            }
        }
        owners
    }

    /// "line N: why" for each skipped line.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
}

/// The line before a `#` that starts a word: a comment line, or a trailing comment. A `#` inside
/// a word or after a backslash (`\#file` names a file starting with `#`) is kept.
fn strip_comment(line: &str) -> &str {
    let (mut escaped, mut word_start) = (false, true);
    for (i, c) in line.char_indices() {
        if c == '#' && word_start {
            return &line[..i];
        }
        word_start = c.is_whitespace() && !escaped;
        escaped = c == '\\' && !escaped;
    }
    line
}

/// Splits on whitespace that no backslash escapes: `path\ with\ spaces/` is one pattern (GitLab
/// documents it; the backslash stays, and globset reads `\ ` as a space).
fn fields(line: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let (mut start, mut escaped) = (None, false);
    for (i, c) in line.char_indices() {
        if c.is_whitespace() && !escaped {
            if let Some(from) = start.take() {
                fields.push(&line[from..i]);
            }
        } else if start.is_none() {
            start = Some(i);
        }
        escaped = c == '\\' && !escaped;
    }
    if let Some(from) = start {
        fields.push(&line[from..]);
    }
    fields
}

/// A GitLab section header, `[Name]`, `^[Name]` (optional) or `[Name][2]` (approvals), maybe
/// followed by default owners: its name and those owners. `None` when the line is a rule whose
/// pattern starts with a character class (`[Tt]ests/ @qa`); `[Tests] @qa` is a header, as in
/// GitLab.
fn section_header(line: &str) -> Option<Result<(&str, Vec<String>), String>> {
    let optional = line.strip_prefix('^');
    let inner = optional.unwrap_or(line).strip_prefix('[')?;
    let header = inner.split_once(']').and_then(|(name, rest)| {
        // `[2]`: the approvals a merge request needs, nothing about ownership.
        let rest = match rest.strip_prefix('[').map(|after| after.split_once(']')) {
            Some(Some((count, after))) if count.bytes().all(|b| b.is_ascii_digit()) => after,
            Some(_) => return None,
            None => rest,
        };
        (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some((name.trim(), rest))
    });
    match header {
        None if optional.is_some() => Some(Err("malformed section header".into())),
        None => None,
        Some(("", _)) => Some(Err("section header without a name".into())),
        Some((name, rest)) => Some(owners(&fields(rest)).map(|owners| (name, owners))),
    }
}

/// A rule line, `pattern owner...`: the pattern's compiled globs and the owners.
fn parse_rule(line: &str) -> Result<(Vec<Glob>, Vec<String>), String> {
    let fields = fields(line);
    let (pattern, owner_fields) = fields.split_first().ok_or("empty rule")?;
    // GitLab's `!` exclusions (17.10+) have their own semantics; GitHub has no negation at all.
    if pattern.starts_with('!') {
        return Err("negated patterns (`!`) are not supported".into());
    }
    let globs = to_globs(pattern)?
        .iter()
        .map(|glob| {
            // Case sensitive, like git; `{a,b}` alternatives stay on (GitLab matches with
            // FNM_EXTGLOB); `[...]` classes are accepted (GitLab has them, GitHub ignores them).
            GlobBuilder::new(glob)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|err| format!("pattern {pattern:?}: {err}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((globs, owners(owner_fields)?))
}

/// `@user`, `@org/team`, `@group/subgroup`, `@@role` or an e-mail address, kept as written.
fn owners(fields: &[&str]) -> Result<Vec<String>, String> {
    let valid = |field: &str| match field.strip_prefix("@@").or_else(|| field.strip_prefix('@')) {
        Some(name) => {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
        }
        None => field.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty() && domain.contains('.') && !domain.contains('@')
        }),
    };
    match fields.iter().find(|field| !valid(field)) {
        Some(bad) => Err(format!(
            "{bad:?} is not an owner (@user, @org/team or an e-mail address)"
        )),
        None => Ok(fields.iter().map(ToString::to_string).collect()),
    }
}

/// Translates a gitignore-style pattern into globset globs over repository-relative paths:
/// - a `/` at the start or in the middle anchors the pattern at the root; without one it
///   matches at any depth (`**/` in front). GitLab deviates here: it matches every pattern
///   without a leading `/` at any depth, `a/b` included; this follows git and GitHub;
/// - a pattern matches a file or a directory, hence also everything beneath (`/**` behind),
///   except when its last component is a lone `*`: GitHub documents that `docs/*` owns
///   `docs/a.md` but not `docs/b/c.md`;
/// - a trailing `/` matches directories only: everything beneath, not a file of that name.
fn to_globs(pattern: &str) -> Result<Vec<String>, String> {
    let body = pattern.trim_end_matches('/');
    let directory_only = body.len() < pattern.len();
    let anchored = body.contains('/');
    let body = body.trim_start_matches('/');
    if body.is_empty() {
        return Err("empty pattern".into());
    }
    let prefix = if anchored || body == "**" { "" } else { "**/" };
    let glob = format!("{prefix}{body}");
    let last = glob.rsplit('/').next().unwrap_or(&glob);
    Ok(match last {
        // Already matches everything beneath.
        "**" => vec![glob],
        "*" if !directory_only => vec![glob],
        _ if directory_only => vec![format!("{glob}/**")],
        _ => vec![format!("{glob}/**"), glob],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `text`, which must be clean, and checks each `path => owner...` line of `cases`.
    fn check(text: &str, cases: &str) {
        let file = CodeOwners::parse(text);
        assert!(file.problems().is_empty(), "{:?}", file.problems());
        for case in cases.lines().map(str::trim).filter(|case| !case.is_empty()) {
            let (path, owners) = case.split_once(" =>").expect(case);
            let expected: Vec<&str> = owners.split_whitespace().collect();
            assert_eq!(file.owners_of(path), expected, "{path}");
        }
    }

    #[test]
    fn anchored_and_unanchored_patterns() {
        // A slash in the middle anchors too.
        check(
            "/build @root\nlogs @logs\nsrc/gen @gen\n",
            "build/out.txt => @root
             web/build/out.txt =>
             logs => @logs
             a/b/logs/today.log => @logs
             src/gen/a.rs => @gen
             lib/src/gen/a.rs =>",
        );
    }

    #[test]
    fn directory_patterns_own_everything_beneath() {
        // A trailing slash is for directories only: not the file `docs`.
        check(
            "docs/ @docs\n/build/logs @logs\n",
            "docs/a.md => @docs
             web/docs/deep/er/a.md => @docs
             docs =>
             build/logs/a/b.log => @logs
             build/logsx =>",
        );
    }

    #[test]
    fn single_star_stays_in_its_directory_and_double_star_does_not() {
        check(
            "/docs/* @flat\n/lib/*.c @c\n/src/**/*.rs @rust\n*.py[cod] @py\n",
            "docs/a.md => @flat
             docs/sub/a.md =>
             lib/a.c => @c
             lib/x/a.c =>
             src/a.rs => @rust
             src/x/y/a.rs => @rust
             tools/a.pyc => @py
             tools/a.pyx =>",
        );
    }

    #[test]
    fn the_last_matching_rule_wins() {
        check(
            "* @all @x\n*.js @js\n",
            "web/app.js => @js\na.css => @all @x",
        );
        check("*.js @js\n* @all\n", "web/app.js => @all");
    }

    #[test]
    fn a_rule_without_owners_unowns() {
        check(
            "/apps/ @octocat\n/apps/github\n",
            "apps/main/index.js => @octocat\napps/github/index.js =>",
        );
    }

    #[test]
    fn comments_and_escapes() {
        check(
            "# owners @nobody\n  # indented\n*.rs @rust # the Rust team\n\
             \\#notes @hash\n/a\\ b/ @space\nfoo#bar @inword\n",
            "src/main.rs => @rust
             #notes => @hash
             a b/c.txt => @space
             foo#bar => @inword
             owners =>",
        );
    }

    #[test]
    fn gitlab_sections_combine_with_default_owners() {
        // `[readme owners]` continues `[README Owners]`, which therefore ranks before `[Docs]`;
        // both of its README rules match `internal/README.md`, and the last one counts.
        check(
            "* @admin\n[README Owners]\nREADME.md @user1 @user2\n/internal/README.md @user4\n\
             [Docs] @docs-team @admin\ndocs/\nREADME.md @user3\n^[Database][2] @db\n/db/\n\
             [readme owners]\nCHANGELOG.md @user5\n",
            "README.md => @admin @user1 @user2 @user3
             internal/README.md => @admin @user4 @user3
             docs/guide.md => @admin @docs-team
             db/schema.sql => @admin @db
             docs/CHANGELOG.md => @admin @user5 @docs-team",
        );
    }

    #[test]
    fn bad_lines_are_reported_and_skipped() {
        let text = "*.rs @rust\n!*.md @docs\ndocs/ docs-team\n[] @x\n/src/[ @broken\n*.go @go\n";
        let file = CodeOwners::parse(text);
        let problems = file.problems().join("\n");
        assert_eq!(file.problems().len(), 4, "{problems}");
        (2..=5).for_each(|n| assert!(problems.contains(&format!("line {n}: ")), "{problems}"));
        assert!(file.owners_of("guide.md").is_empty() && file.owners_of("docs/x").is_empty());
        assert_eq!(file.owners_of("main.go"), ["@go"]);
    }
}
