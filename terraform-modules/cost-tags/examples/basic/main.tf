# The cost tags go to every resource through the provider's
# default_tags; resources add only what is theirs (Name).

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = module.cost_tags.default_tags
  }
}

module "cost_tags" {
  source = "../.."

  tags = {
    Team        = "payments"
    Service     = "billing-api"
    Environment = "production"
    CostCenter  = "cc-4100"
  }

  extra_tags = {
    Repository = "github.com/example/billing-api"
  }
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/billing-api/app"
  retention_in_days = 30

  tags = {
    Name = "billing-api-app"
  }
}

# A resource can also take the merged map directly.
resource "aws_sqs_queue" "jobs" {
  name                      = "billing-api-jobs"
  message_retention_seconds = 345600

  tags = module.cost_tags.tags
}

output "tags" {
  value = module.cost_tags.tags
}
