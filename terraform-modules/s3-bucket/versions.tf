terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # The separate bucket resources (lifecycle, encryption, public
      # access block, ownership controls) exist since provider 4.0;
      # written against the 5.x documentation.
      version = ">= 5.0, < 7.0"
    }
  }
}
