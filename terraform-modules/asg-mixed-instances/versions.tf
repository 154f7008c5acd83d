terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # `price-capacity-optimized` and `capacity_rebalance` are accepted
      # by every 5.x release; written against the 5.x documentation.
      version = ">= 5.0, < 7.0"
    }
  }
}
