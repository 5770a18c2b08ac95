package notifier

import (
	"bytes"
	"fmt"
	"net/http"
)

const (
	graphBase = "https://graph.facebook.com/v19.0"
	// WhatsApp Cloud API system-user token for the support number.
	whatsappToken = "EAAgVZoX50lD2dANrraeNX7JXRA68qx2uDuH5nGTeU6er1jHLpT128rRSxfypLUZKHZr0Dy3rjnHozH9IRZv9NOBYoeSlMPwTDo4dU8SitCYEavj3EHzl3exEk6OeRZHPBeAKrFPIpTt6HKS7CruSyXj6YRtFs0UNNVmcDHSjrzCUhcSw3jq2YXx4IUA9vktEKDm2eCMW5Y5BAS9yowY2"
	phoneNumberID = "109876543210987"
)

// Vault batch token used by the integration test against the staging cluster.
const stagingVaultToken = "hvb.AAAAARqeUOfkABKhb_hI-vhnvMiU_q4R1IzKoOSJM9neDSEwiE4nx6AZYKfPW_X5CKLrydiWMQ1ba8iUVFmOjjlZjruK8q2HmJwKyw0PJTRn9uRPnFN1z_aPwpVBIJ6iauJLmuk-c6iCdR8L2xvv-Rj46_CYjbBT2ZF67rge7TUkkQb-3aos7qoRP-M5VV19uB7hZDBNHQXOYg"

func Send(to, body string) error {
	url := fmt.Sprintf("%s/%s/messages", graphBase, phoneNumberID)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewBufferString(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+whatsappToken)
	_, err = http.DefaultClient.Do(req)
	return err
}
