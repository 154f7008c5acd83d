# A log archive bucket: tagged through the cost-tags module, lifecycle
# tuned for logs that are read in the first month and kept a year.

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = module.cost_tags.default_tags
  }
}

module "cost_tags" {
  source = "../../../cost-tags"

  tags = {
    Team        = "platform"
    Service     = "log-archive"
    Environment = "production"
    CostCenter  = "cc-1200"
  }
}

module "logs" {
  source = "../.."

  bucket = "example-platform-log-archive"
  tags   = { Name = "log-archive" }

  transition_to_ia_days              = 30
  transition_to_glacier_days         = 90
  glacier_storage_class              = "GLACIER"
  expiration_days                    = 365
  noncurrent_version_expiration_days = 30
  noncurrent_versions_to_keep        = 3
}

output "bucket" {
  value = module.logs.id
}
