terraform {
  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 2.31"
    }
  }
}

resource "kubernetes_secret" "payments" {
  metadata {
    name      = "payments-credentials"
    namespace = "checkout"
  }

  data = {
    GOCARDLESS_ACCESS_TOKEN = "live_R11729mIPNULajTGHwVNFEhDSNfrkb-o7edzG-P6"
    MOLLIE_API_KEY          = "live_3UcUqW89wCNrpslthkQ2k3nINxCpr1"
    XENDIT_SECRET_KEY       = "xnd_production_PWYTZXtohlp0pqv5mDIYFCmyXd0skTYPzLIGdnnlhpFOF5akyz5LZ5In8PYr"
    MIDTRANS_SERVER_KEY     = "Mid-server-AhAYP_EFnMPrE6o4cXAt4jHx"
    MIDTRANS_CLIENT_KEY     = "Mid-client-dRolRy5UAFutA7-q"
    FLW_SECRET_KEY          = "FLWSECK-a33b18da573d4456a23eef864ec096e2-X"
    WISE_API_TOKEN          = "4fd7e756-55d7-4e80-a54f-7300e021c5b7"
    CDP_API_KEY_ID          = "d773e12b-2e8b-442b-a2e5-b9f493d28b11"
    CDP_API_KEY_SECRET      = "EJ/aIP13pbFTnzwZ54Gi+oukp6gKgtntfjLGs37Nr3EuThfJVevpOosn2g3sNOcv9Gcotz4BnlXmRLK8yA18XA=="
    PLAID_ACCESS_TOKEN      = "access-production-1c4cf96b-080b-46bd-9219-525fe4c2d65d"
    CKO_SECRET_KEY          = "sk_b5vruib3wh64ue3gzj4zy4zgtob"
  }
}

variable "braintree_gateway_token" {
  type      = string
  sensitive = true
  default   = "access_token$production$xzvuoq348qruy3sn$d51da15e20f590ef08b79bbfdcbf44e3"
}

variable "checkout_public_key" {
  type    = string
  default = "pk_6og7jw645yqdpw5avma4oijz6wk"
}
