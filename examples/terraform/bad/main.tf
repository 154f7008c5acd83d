variable "report_buckets" {
  type    = map(string)
  default = {
    daily  = "example-reports-daily"
    weekly = "example-reports-weekly"
  }
}

# No lifecycle rule: every report is kept in S3 Standard for ever.
resource "aws_s3_bucket" "reports" {
  for_each = var.report_buckets
  bucket   = each.value
}

resource "aws_s3_bucket" "exports" {
  bucket = "example-exports"
}

resource "aws_s3_bucket_lifecycle_configuration" "exports" {
  bucket = aws_s3_bucket.exports.id

  rule {
    id     = "paused"
    status = "Disabled"
    filter {}

    expiration {
      days = 30
    }
  }
}

# The type is not set, so the provider creates gp2.
resource "aws_ebs_volume" "scratch" {
  availability_zone = "us-east-1a"
  size              = 500
}

resource "aws_db_instance" "reporting" {
  identifier        = "example-reporting"
  engine            = "postgres"
  instance_class    = "db.m7g.large"
  allocated_storage = 200
  storage_type      = "gp2"
}

module "archive" {
  source = "./modules/storage"
  providers = {
    aws = aws.eu
  }
  name = "example-reports-archive"
}

module "workers" {
  source = "./modules/workers"
}
