resource "aws_s3_bucket" "this" {
  bucket        = var.bucket
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  count = var.block_public_access ? 1 : 0

  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    bucket_key_enabled = var.kms_key_arn == null ? null : var.bucket_key_enabled

    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = var.versioning_enabled ? "Enabled" : "Suspended"
  }
}

locals {
  transitions = [
    for step in [
      { days = var.transition_to_ia_days, storage_class = "STANDARD_IA" },
      { days = var.transition_to_glacier_days, storage_class = var.glacier_storage_class },
    ] : step if step.days != null
  ]
}

# Static blocks come before dynamic ones in every body below: tfparse
# 0.6 (which costlint evaluates Terraform with) loses the last block a
# `dynamic` generates when a static block follows it.
resource "aws_s3_bucket_lifecycle_configuration" "this" {
  count = var.lifecycle_enabled ? 1 : 0

  bucket = aws_s3_bucket.this.id

  # Rules about noncurrent versions need versioning to be set first.
  depends_on = [aws_s3_bucket_versioning.this]

  lifecycle {
    precondition {
      condition = (
        var.transition_to_ia_days == null || var.transition_to_glacier_days == null
        ? true
        : var.transition_to_glacier_days >= var.transition_to_ia_days + 30
      )
      error_message = "Objects must stay 30 days in Standard-IA before S3 moves them to an archive tier: set transition_to_glacier_days at least 30 more than transition_to_ia_days."
    }

    precondition {
      condition = (
        var.expiration_days == null
        ? true
        : alltrue([for step in local.transitions : var.expiration_days > step.days])
      )
      error_message = "The expiration_days must be later than every transition, or objects would be deleted before they move."
    }
  }

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_upload_days
    }
  }

  # A rule needs at least one action, so each optional rule exists only
  # when it has one.
  dynamic "rule" {
    for_each = length(local.transitions) > 0 || var.expiration_days != null ? ["tier-and-expire-current"] : []
    content {
      id     = rule.value
      status = "Enabled"

      filter {
        prefix = var.lifecycle_prefix
      }

      dynamic "transition" {
        for_each = local.transitions
        content {
          days          = transition.value.days
          storage_class = transition.value.storage_class
        }
      }

      dynamic "expiration" {
        for_each = var.expiration_days == null ? [] : [var.expiration_days]
        content {
          days = expiration.value
        }
      }
    }
  }

  dynamic "rule" {
    for_each = var.noncurrent_version_expiration_days == null ? [] : ["expire-noncurrent-versions"]
    content {
      id     = rule.value
      status = "Enabled"

      filter {}

      noncurrent_version_expiration {
        noncurrent_days           = var.noncurrent_version_expiration_days
        newer_noncurrent_versions = var.noncurrent_versions_to_keep
      }
    }
  }
}
