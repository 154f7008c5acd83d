variable "bucket" {
  description = "Name of the bucket (globally unique, 3 to 63 lower-case letters, digits, dots and hyphens)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket))
    error_message = "The bucket name must be 3 to 63 characters of lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit."
  }
}

variable "tags" {
  description = "Tags for the bucket, usually the `tags` output of the cost-tags module. Required so that no caller forgets the cost tags; when the provider's default_tags carry them, pass only the bucket's own tags (or {})."
  type        = map(string)
  nullable    = false
}

variable "force_destroy" {
  description = "Whether `terraform destroy` may delete a bucket that still holds objects."
  type        = bool
  default     = false
}

variable "versioning_enabled" {
  description = "Keep old versions of overwritten and deleted objects; the lifecycle configuration expires them after noncurrent_version_expiration_days."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "KMS key for SSE-KMS encryption; null uses SSE-S3 (AES256), which has no per-request KMS charge."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "The kms_key_arn must be a KMS key ARN (arn:aws:kms:...) or null."
  }
}

variable "bucket_key_enabled" {
  description = "Use an S3 Bucket Key with SSE-KMS (ignored with SSE-S3): S3 then calls KMS far less often; AWS puts the saving on KMS request costs at up to 99%."
  type        = bool
  default     = true
}

variable "block_public_access" {
  description = "Turn on all four S3 public access block settings."
  type        = bool
  default     = true
}

variable "lifecycle_enabled" {
  description = "Create the lifecycle configuration. Turning it off leaves every object in S3 Standard for ever, and costlint's s3-missing-lifecycle rule reports the bucket."
  type        = bool
  default     = true
}

variable "lifecycle_prefix" {
  description = "Apply the transition and expiration rules only to keys with this prefix; \"\" applies them to the whole bucket."
  type        = string
  default     = ""
  nullable    = false
}

variable "transition_to_ia_days" {
  description = "Days after creation before objects move to S3 Standard-IA; null skips this tier. S3 accepts 30 or more."
  type        = number
  default     = 30

  validation {
    condition     = var.transition_to_ia_days == null ? true : var.transition_to_ia_days >= 30
    error_message = "S3 transitions objects to Standard-IA only after 30 days or more; set transition_to_ia_days to at least 30, or null."
  }
}

variable "transition_to_glacier_days" {
  description = "Days after creation before objects move to `glacier_storage_class`; null skips this tier. Must be at least 30 days after the Standard-IA transition when both are set."
  type        = number
  default     = 90

  validation {
    condition     = var.transition_to_glacier_days == null ? true : var.transition_to_glacier_days >= 0
    error_message = "The transition_to_glacier_days must be 0 or more, or null."
  }
}

variable "glacier_storage_class" {
  description = "Archive tier of the second transition: GLACIER_IR (Instant Retrieval, millisecond access), GLACIER (Flexible Retrieval) or DEEP_ARCHIVE."
  type        = string
  default     = "GLACIER_IR"

  validation {
    condition     = contains(["GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"], var.glacier_storage_class)
    error_message = "The glacier_storage_class must be GLACIER_IR, GLACIER or DEEP_ARCHIVE."
  }
}

variable "expiration_days" {
  description = "Days after creation before current objects expire (are deleted, or become noncurrent in a versioned bucket); null keeps them."
  type        = number
  default     = null

  validation {
    condition     = var.expiration_days == null ? true : var.expiration_days >= 1
    error_message = "The expiration_days must be 1 or more, or null."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days an object version stays after it becomes noncurrent before it is deleted; null keeps old versions for ever."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days == null ? true : var.noncurrent_version_expiration_days >= 1
    error_message = "The noncurrent_version_expiration_days must be 1 or more, or null."
  }
}

variable "noncurrent_versions_to_keep" {
  description = "Newest noncurrent versions kept whatever their age (1 to 100); null keeps none beyond the age limit."
  type        = number
  default     = null

  validation {
    condition     = var.noncurrent_versions_to_keep == null ? true : var.noncurrent_versions_to_keep >= 1 && var.noncurrent_versions_to_keep <= 100
    error_message = "The noncurrent_versions_to_keep must be 1 to 100, or null."
  }
}

variable "abort_incomplete_multipart_upload_days" {
  description = "Days before the parts of an unfinished multipart upload, which are billed but invisible in listings, are deleted."
  type        = number
  default     = 7

  validation {
    condition     = var.abort_incomplete_multipart_upload_days >= 1
    error_message = "The abort_incomplete_multipart_upload_days must be 1 or more."
  }
}
