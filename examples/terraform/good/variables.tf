variable "environment" {
  type        = string
  description = "Deployment environment; one of the bundle's allowed values."
}

variable "log_buckets" {
  type    = set(string)
  default = ["raw", "clean"]
}

locals {
  cost_tags = {
    Team        = "platform"
    Service     = "ingest"
    Environment = var.environment
    CostCenter  = "cc-1042"
  }
}
