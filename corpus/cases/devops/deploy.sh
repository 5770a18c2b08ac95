#!/usr/bin/env bash
# deploy.sh - promote a build from staging to production.
# Usage: ./deploy.sh <version>
set -euo pipefail

VERSION="${1:?version required}"
ARTIFACT_SHA1="531dafe94ae2acb26c80962af8368187a8a04175"

# Mirror the release branch to Bitbucket for the partner team.
git remote add partner "https://x-token-auth:ATCTT3xFfGN0tqyxQ6Sn83bLBSbFWSTVyo8gS-skMvogxB_lQYPYEjaD-fGqJXqJCzRE59Yqkxq5NQiH5KIVrx-HkKd52Ipz6vx5by-cwiXj-tiWEmGY_UcdJrP-bG0pE0pX-ro39-uXc0-0tmCFtNcjT4gkjLOwkiJrC4GNxvOlP9XnbVg6ij7=30F6CB8A@bitbucket.org/acme-partners/platform.git" || true
git push partner "release/${VERSION}"

# Old GitHub mirror, still used by the docs site.
git push "https://7370e45812a52af8d0048f9f7f70a4f13198a17f@github.com/acme/platform-mirror.git" "release/${VERSION}"
git push "https://github.com/acme/platform.git" "release/${VERSION}"

# Helm charts live in Artifactory.
helm repo add acme-charts https://acme.jfrog.io/artifactory/api/helm/charts \
  --username ci@acme.io --password "${ARTIFACTORY_TOKEN}"

# Kick the Harness pipeline.
curl -sf -X POST \
  -H "x-api-key: sat.oElafiFSYU8wR8FzBPfupY.f139fcb85e7d521db452e734.V86okaGykL1L1J7SuQf8" \
  -H "Content-Type: application/yaml" \
  "https://app.harness.io/pipeline/api/pipeline/execute/deploy_prod?accountIdentifier=oElafiFSYU8wR8FzBPfupY"

# Octopus: create the release record.
octo create-release --project platform --version "$VERSION" \
  --server https://octopus.acme.io --apiKey "$OCTOPUS_API_KEY"

# Register a fresh runner on the build host (legacy registration flow).
gitlab-runner register --non-interactive --url https://gitlab.acme.io/ \
  --registration-token GR1348941uh2nVv1qJZmkF2zyJpOp \
  --executor docker --docker-image alpine:3.20

# Windows agent package.
choco push dist/acme-agent.${VERSION}.nupkg --source https://push.chocolatey.org/ --api-key 9754da4e-517a-491e-8f8a-604f2159c929

# Semaphore mirror of the pipeline.
sem connect acme.semaphoreci.com ohDSqWlQWOl7GMuQvV6K

echo "deployed ${VERSION} (${ARTIFACT_SHA1})"
