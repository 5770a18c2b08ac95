terraform {
  required_providers {
    newrelic  = { source = "newrelic/newrelic" }
    grafana   = { source = "grafana/grafana" }
    pagerduty = { source = "PagerDuty/pagerduty" }
    checkly   = { source = "checkly/checkly" }
    sumologic = { source = "SumoLogic/sumologic" }
  }
}

provider "newrelic" {
  account_id = 3930388
  api_key    = "NRAK-4GDQ99SI42S75IZ8CJYCR5OYVF0"
  region     = "EU"
}

provider "grafana" {
  url  = "https://acme.grafana.net"
  auth = "glsa_V62gfMhOPa2pPlkjUfeuZ6qpDB51N4SG_c88134c8"
}

provider "pagerduty" {
  token = "2NAAJ140YtlPnTwYXYFf"
}

variable "pagerduty_escalation_policy" {
  type    = string
  default = "PX7Q2LM"
}

provider "checkly" {
  account_id = "61f91721-5372-4e6b-851a-8c7778f28093"
  api_key    = "cu_6264237d0a29bd5951d2b5248dd22474"
}

provider "sumologic" {
  access_id   = "sup9ngGkexxTZn"
  access_key  = "0zbdqL4TiT1nSfqITQAGTsB9qiVhBHHe9rZV2d4bMsA9XNCMBGI9xicCyaLgFMyf"
  environment = "eu"
}

locals {
  logzio_token          = "QgZzQoMlMidNSUrsGixMHypnlJxEuoJT"
  betterstack_api_token = "BgXO1bAr7NSZc1NVEhWPONCs"
  uptimerobot_api_key   = "u8412978-49af64cc6243c05ddfe4ce38"
  # public identifiers, fine to commit
  newrelic_browser_app_id = "1588970412"
  grafana_stack_id        = "e5fb382f-9c55-46a6-bc64-ea7fdd162db9"
}
