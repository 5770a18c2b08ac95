#!/usr/bin/env bash
# Nightly backup + search snapshot. Runs on ops-01 from cron.
set -euo pipefail

export PGPASSFILE=/etc/backup/.pgpass
pg_dump -h pg-primary.acme.internal -U orders_app orders | gzip > /backup/orders-$(date +%F).sql.gz

# snapshot the search cluster
curl -fsS -XPUT "https://snapshotter:7Y7ZZ_1cH1_U2VpU138*_8ch@es-prod.acme.internal:9200/_snapshot/s3/nightly-$(date +%F)"

# public docs endpoint, no auth
curl -fsS https://docs.acme.io/status.json > /dev/null

# rejoin a worker after reimaging
kubeadm join 10.20.0.10:6443 --token 0srhdg.oftx2kq5romylrqy --discovery-token-ca-cert-hash sha256:7734ed78ddcce925891b96940c3e10fa1d8e535dfdc2d32be41b875f71e4d386
# upstream example, for reference: kubeadm join --token abcdef.0123456789abcdef

echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc
git clone "https://${GIT_USER}:${GIT_TOKEN}@git.acme.io/platform/backup-config.git"
