terraform {
  required_providers {
    aws     = { source = "hashicorp/aws", version = "~> 5.0" }
    azurerm = { source = "hashicorp/azurerm", version = "~> 3.100" }
    github  = { source = "integrations/github", version = "~> 6.0" }
  }
}

provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIAOMKB7AZYOTSA5RXA"
  secret_key = var.aws_secret_key
}

variable "aws_secret_key" {
  type      = string
  sensitive = true
}

resource "azurerm_linux_function_app" "ingest" {
  name = "fn-ingest-prod"
  app_settings = {
    "AzureWebJobsStorage"      = "DefaultEndpointsProtocol=https;AccountName=stingestprod01;AccountKey=ZLbqjjtxl2lxVjpe9fOvGWxGHnChqe0tkmxnTy3jHknkT28SclXu5coPdXhn0JXCIkPh+mHNRPhI+p0EmNtoQg==;EndpointSuffix=core.windows.net"
    "FUNCTIONS_WORKER_RUNTIME" = "python"
  }
}

provider "github" {
  owner = "acme"
  token = "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"
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-prod-logs-1e2fe01b"
}
