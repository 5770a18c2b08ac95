package shipper

import (
	"net/http"
	"os"
)

// Endpoints and keys for the legacy log shipper. The Elastic and Coralogix keys are
// scheduled for removal once the OpenTelemetry pipeline is live (OBS-412).
const (
	logglyURL          = "https://logs-01.loggly.com/inputs/843870b9-b197-426c-9794-757743a3ad38/tag/shipper/"
	coralogixPrivKey   = "cxtp_oHOYmcu2qp9Qb3Qhr3YYBucXILHcEJ"
	elasticAPIKey      = "MTR4Q0RManl5TFplNmFad0NaM1M6dEMxUmQzODJQSkpxZzVoSUZiQVNmbA=="
	mezmoIngestionKey  = "91358dfb31153d609400e335e50814f6"
	appsignalPushAPIKey = "b8f27217-b332-460d-b3c0-2c1f18bcc442"
	airbrakeProjectKey = "481c273f8c2d718351718902e7f4de3e"
	// not secrets
	schemaVersion = "dd6df0f5-93a2-40be-9410-9d6346cd15c3"
	imageDigest   = "sha256:d4bdc7e73c4c1cbb71d13a2429fca76db29b3e409af2b7ee7d476bd855702f7f"
)

// Keys that must come from the environment.
var (
	newRelicInsertKey = os.Getenv("NEW_RELIC_INSERT_KEY")
	sentryAuthToken   = os.Getenv("SENTRY_AUTH_TOKEN")
)

func newRequest(url string) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Insert-Key", newRelicInsertKey)
	return req, nil
}
