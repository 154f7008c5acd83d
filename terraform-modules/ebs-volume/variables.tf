variable "name" {
  description = "Value of the volume's Name tag."
  type        = string

  validation {
    condition     = length(var.name) >= 1 && length(var.name) <= 256
    error_message = "The name must be 1 to 256 characters (it becomes the Name tag)."
  }
}

variable "availability_zone" {
  description = "Availability zone of the volume; it can attach only to instances in the same zone."
  type        = string
}

variable "size" {
  description = "Size in GiB."
  type        = number

  validation {
    condition     = var.size >= 1 && floor(var.size) == var.size
    error_message = "The size must be a whole number of GiB, 1 or more."
  }
}

variable "type" {
  description = "Volume type. gp3 by default; gp2 is refused because gp3 is about 20% cheaper per GB with a higher baseline, and magnetic `standard` is a previous generation."
  type        = string
  default     = "gp3"
  nullable    = false

  validation {
    condition     = var.type != "gp2"
    error_message = "The gp2 volume type is refused: gp3 costs about 20% less per GB ($0.08 against $0.10 per GB-month in us-east-1) and gives 3,000 IOPS and 125 MB/s at any size. Use gp3; above 1,000 GB set iops to match gp2's 3 IOPS per GB."
  }

  validation {
    condition     = contains(["gp3", "io1", "io2", "st1", "sc1"], var.type)
    error_message = "The type must be one of gp3, io1, io2, st1 or sc1."
  }
}

variable "iops" {
  description = "Provisioned IOPS for gp3 (3,000 included in the price; more costs extra), io1 or io2 (required there). null takes the gp3 baseline."
  type        = number
  default     = null

  validation {
    condition     = var.iops == null ? true : var.iops >= 100 && floor(var.iops) == var.iops
    error_message = "The iops must be a whole number, 100 or more, or null."
  }
}

variable "throughput" {
  description = "Throughput in MiB/s, gp3 only (125 included in the price; more costs extra). null takes the baseline."
  type        = number
  default     = null

  validation {
    condition     = var.throughput == null ? true : var.throughput >= 125 && floor(var.throughput) == var.throughput
    error_message = "The throughput must be a whole number of MiB/s, 125 or more, or null."
  }
}

variable "encrypted" {
  description = "Encrypt the volume (with `kms_key_id`, else the account's default EBS key)."
  type        = bool
  default     = true
}

variable "kms_key_id" {
  description = "ARN of the KMS key to encrypt with; null uses the default EBS key."
  type        = string
  default     = null
}

variable "snapshot_id" {
  description = "Snapshot to create the volume from."
  type        = string
  default     = null
}

variable "final_snapshot" {
  description = "Take a snapshot when the volume is destroyed. Snapshots are billed until deleted."
  type        = bool
  default     = false
}

variable "instance_id" {
  description = "Instance to attach the volume to; null leaves it unattached."
  type        = string
  default     = null
}

variable "device_name" {
  description = "Device name of the attachment, when `instance_id` is set."
  type        = string
  default     = "/dev/sdf"
}

variable "tags" {
  description = "Tags for the volume, usually the `tags` output of the cost-tags module; Name is set from `name`. Required so that no caller forgets the cost tags; when the provider's default_tags carry them, pass {}."
  type        = map(string)
  nullable    = false
}
