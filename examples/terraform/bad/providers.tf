provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      Team        = "platform"
      Service     = "reporting"
      Environment = "prod"
      CostCenter  = "cc-2077"
    }
  }
}

# The EU configuration has no default_tags: its resources are untagged.
provider "aws" {
  alias  = "eu"
  region = "eu-west-1"
}
