# Stateless workers: one on-demand instance as a floor, everything above
# it on spot across four current-generation x86 types of one size.

provider "aws" {
  region = "eu-west-1"

  # Reaches the launch template itself, not the group or what it
  # launches; those take module.cost_tags.tags through the module.
  default_tags {
    tags = module.cost_tags.default_tags
  }
}

data "aws_ssm_parameter" "al2023" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

module "cost_tags" {
  source = "../../../cost-tags"

  tags = {
    Team        = "checkout"
    Service     = "checkout-workers"
    Environment = "production"
    CostCenter  = "cc-3100"
  }
}

module "workers" {
  source = "../.."

  name       = "checkout-workers"
  image_id   = data.aws_ssm_parameter.al2023.value
  subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60003"]

  instance_types                           = ["m7i.large", "m7a.large", "m6i.large", "m6a.large"]
  min_size                                 = 2
  max_size                                 = 12
  on_demand_base_capacity                  = 1
  on_demand_percentage_above_base_capacity = 0
  root_volume_size                         = 30

  tags = module.cost_tags.tags
}

output "autoscaling_group_name" {
  value = module.workers.autoscaling_group_name
}
