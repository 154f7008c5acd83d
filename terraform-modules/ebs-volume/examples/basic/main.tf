# A data volume for a database host: gp3 with extra IOPS and throughput
# instead of an oversized gp2 volume bought for its burst credits.

provider "aws" {
  region = "eu-west-1"
}

module "cost_tags" {
  source = "../../../cost-tags"

  tags = {
    Team        = "data"
    Service     = "orders-db"
    Environment = "staging"
    CostCenter  = "cc-2300"
  }
}

module "data_volume" {
  source = "../.."

  name              = "orders-db-data"
  availability_zone = "eu-west-1a"
  size              = 200
  iops              = 6000
  throughput        = 250

  tags = module.cost_tags.tags
}

output "volume_id" {
  value = module.data_volume.id
}
