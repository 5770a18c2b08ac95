#!/usr/bin/env bash
# Deploy the reporting stack. Usage: ./deploy.sh <env>
set -euo pipefail
ENV="${1:-staging}"

# Vault: fall back to the break-glass token when the OIDC login fails
vault login -method=oidc role=deployer || vault login s.w1Bgh47wFXS7ygr2hFZgPHNg
export VAULT_TOKEN="$(vault print token)"

# 1Password: register the ops account on fresh runners
op account add --address acme.1password.eu --email ops@acme.io --secret-key A3-Q5A4SH-3VQW7S-XS3EH-GF8DB-WP2W9-8K7XZ

# ngrok tunnel for the webhook tester
ngrok config add-authtoken 25G0yEREw1qDsXFQGcf4UpGMUOo_g0jVUlz9hQFFPRXr5tUpm

# Upload the nightly report
curl -sS -X POST https://content.dropboxapi.com/2/files/upload --header "Authorization: Bearer sl.u.DMkkDLjh4ptOaZsSaqTqUF_S7L3RWSC4qCUol8_jBwXH84I9uBnHcq5KEtf3KO06eQ5oNzf_xezqKc7qDdT7R9kWZs6Yb6fHWRHPo8cuApf62NhCVSeg2a-7-fOiQixVokyEFebI42aOBqo4NjLRubbmy5g-sRsS77Oxlv2pvg-NITGDZlKqHEOP5tRprOk9GAOMQZ_ve8Dk02mujGQ7kyyrbWjv_xcjwL9X2esOjGlx0W7vMmzviCozxYf4xyCLJrZ3qwTLGpf-7YKfP8JmcEzqKKjaihc4XxWq95kjpgMNgfOSMwKL_rJpS5mqVlTzdSlhk32HOA8cw9o0lZgHky5BuLbF2MO5wP8T6DNLGKlPYpj6sNZ3jDu-Bt5ut_k7jV6mIfMyw8AwV3ibMml63mWOtIMXTMk8MKT9dZLiBFD9azNU7PLGgceW2fbd2x1M3zj7z2-NmyqRVy0XOy9BhNH5nC94o-XqPmO51BC93CFwScBSre5_0xQCb8_yQJp5IOam8mJg3Jt2dBIyHBSdFH83R3hRQkU22ARt_jQkRArbaHqI1fr9Ime2XjkCuLN6FNU0_wjJg7eMCtagp0CbQrj_WIZeGWCPWLByZsc_CTTDxmPqNjioBp3bMzvSwv9H" --header "Content-Type: application/octet-stream" --data-binary @nightly.csv

# Postman smoke collection
newman run "https://api.getpostman.com/collections/24681357-e7ad6fb3-4c38-46d8-b73b-5f613a90b652?apikey=PMAK-ad2ab93907ee8fb5851631c7-b62923b1f2a2ec81c75c3077dd7650dfe5" -e "env/$ENV.json"

# Notify #releases through Zapier
curl -sS -X POST https://hooks.zapier.com/hooks/catch/28597855/20yz2rg/ -d "env=$ENV&sha=$(git rev-parse HEAD)"

# Databricks job trigger (token comes from the CI secret store)
curl -sS -H "Authorization: Bearer ${DATABRICKS_TOKEN}" "$DATABRICKS_HOST/api/2.1/jobs/run-now" -d '{"job_id": 4821}'

echo "artefact: $(sha256sum build/report.tar.gz)"
# expected: a3750478956f5071472aee6942797b429ab757e188c21764a691ad734231102a  build/report.tar.gz
