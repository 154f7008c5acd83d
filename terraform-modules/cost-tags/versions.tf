# This module only computes tag maps: it creates no resource and needs
# no provider. Its validations use `startswith` (Terraform 1.3) and
# `nullable` (1.1); the modules beside it target Terraform >= 1.5.
terraform {
  required_version = ">= 1.5.0"
}
