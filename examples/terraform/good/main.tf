# Logs land in one bucket per stage; each expires after a year.
resource "aws_s3_bucket" "logs" {
  for_each = var.log_buckets
  bucket   = "example-ingest-logs-${each.key}"
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  for_each = var.log_buckets
  bucket   = aws_s3_bucket.logs[each.key].id

  rule {
    id     = "tier-then-expire"
    status = "Enabled"
    filter {}

    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }

    expiration {
      days = 365
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

resource "aws_ebs_volume" "scratch" {
  availability_zone = "us-east-1a"
  size              = 200
  type              = "gp3"
}

resource "aws_db_instance" "orders" {
  identifier        = "example-orders"
  engine            = "postgres"
  instance_class    = "db.m7g.large"
  allocated_storage = 100
  storage_type      = "gp3"
}

module "replica_storage" {
  source = "./modules/storage"
  providers = {
    aws = aws.eu
  }
  name = "example-ingest-replica"
}

module "workers" {
  source    = "./modules/workers"
  cost_tags = local.cost_tags
}
