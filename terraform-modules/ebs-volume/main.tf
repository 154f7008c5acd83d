resource "aws_ebs_volume" "this" {
  availability_zone = var.availability_zone
  size              = var.size
  type              = var.type
  iops              = var.iops
  throughput        = var.throughput
  encrypted         = var.encrypted
  kms_key_id        = var.kms_key_id
  snapshot_id       = var.snapshot_id
  final_snapshot    = var.final_snapshot

  tags = merge(var.tags, { Name = var.name })

  # Checks that involve more than one variable; a variable's own
  # validation may refer to that variable only before Terraform 1.9.
  lifecycle {
    precondition {
      condition     = var.iops == null || contains(["gp3", "io1", "io2"], var.type)
      error_message = "The iops can be set only for gp3, io1 and io2 volumes."
    }

    precondition {
      condition     = var.iops != null || !contains(["io1", "io2"], var.type)
      error_message = "The io1 and io2 volumes need iops."
    }

    precondition {
      condition     = var.type != "gp3" || coalesce(var.iops, 3000) >= 3000
      error_message = "A gp3 volume has at least 3,000 IOPS (included in its price): leave iops null or set 3000 or more."
    }

    precondition {
      condition     = var.throughput == null || var.type == "gp3"
      error_message = "The throughput can be set only for gp3 volumes."
    }

    precondition {
      condition     = !contains(["st1", "sc1"], var.type) || var.size >= 125
      error_message = "The st1 and sc1 volumes are at least 125 GiB."
    }
  }
}

resource "aws_volume_attachment" "this" {
  count = var.instance_id == null ? 0 : 1

  device_name = var.device_name
  volume_id   = aws_ebs_volume.this.id
  instance_id = var.instance_id
}
