terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # `tags` on aws_budgets_budget came with provider PR #37361
      # (May 2024); 5.50.0 is the first release we expect to hold it.
      version = ">= 5.50.0, < 7.0"
    }
  }
}
