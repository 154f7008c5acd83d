locals {
  instance_tags = merge(var.tags, { Name = var.name })
}

# Two shapes below are chosen for tfparse 0.6, which costlint evaluates
# Terraform with, and mean the same to Terraform: static blocks come
# before dynamic ones in each body (tfparse loses the last block a
# `dynamic` generates when a static block follows it), and the blocks
# around `dynamic "override"` are themselves dynamic over a one-item
# list (tfparse drops a dynamic block nested in a static one, which
# would hide the instance types from costlint).

resource "aws_launch_template" "this" {
  name_prefix            = "${var.name}-"
  image_id               = var.image_id
  update_default_version = true
  vpc_security_group_ids = var.security_group_ids
  user_data              = var.user_data == null ? null : base64encode(var.user_data)
  tags                   = var.tags

  block_device_mappings {
    device_name = var.root_device_name

    ebs {
      volume_type           = var.root_volume_type
      volume_size           = var.root_volume_size
      encrypted             = true
      delete_on_termination = true
    }
  }

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  monitoring {
    enabled = var.detailed_monitoring
  }

  # default_tags never reach what a launch template launches, so the
  # cost tags are written on each kind of resource it creates.
  tag_specifications {
    resource_type = "instance"
    tags          = local.instance_tags
  }

  tag_specifications {
    resource_type = "volume"
    tags          = local.instance_tags
  }

  tag_specifications {
    resource_type = "network-interface"
    tags          = local.instance_tags
  }

  dynamic "iam_instance_profile" {
    for_each = var.iam_instance_profile_name == null ? [] : [var.iam_instance_profile_name]
    content {
      name = iam_instance_profile.value
    }
  }
}

resource "aws_autoscaling_group" "this" {
  name_prefix         = "${var.name}-"
  min_size            = var.min_size
  max_size            = var.max_size
  desired_capacity    = var.desired_capacity
  vpc_zone_identifier = var.subnet_ids
  target_group_arns   = var.target_group_arns

  # Replace spot instances AWS signals as at risk before they are
  # interrupted, instead of after.
  capacity_rebalance = true

  lifecycle {
    precondition {
      condition     = var.min_size <= var.max_size
      error_message = "The min_size must not exceed max_size."
    }

    precondition {
      condition     = var.on_demand_base_capacity <= var.max_size
      error_message = "The on_demand_base_capacity must not exceed max_size."
    }

    precondition {
      condition     = var.on_demand_percentage_above_base_capacity == 100 || length(var.instance_types) >= 2
      error_message = "A group that uses spot needs at least two instance types, so that capacity can be found in several spot pools."
    }
  }

  instance_refresh {
    strategy = "Rolling"

    preferences {
      min_healthy_percentage = 90
    }
  }

  dynamic "mixed_instances_policy" {
    for_each = [true]
    content {
      instances_distribution {
        on_demand_base_capacity                  = var.on_demand_base_capacity
        on_demand_percentage_above_base_capacity = var.on_demand_percentage_above_base_capacity
        spot_allocation_strategy                 = var.spot_allocation_strategy
      }

      dynamic "launch_template" {
        for_each = [true]
        content {
          launch_template_specification {
            launch_template_id = aws_launch_template.this.id
            version            = aws_launch_template.this.latest_version
          }

          dynamic "override" {
            for_each = var.instance_types
            content {
              instance_type = override.value
            }
          }
        }
      }
    }
  }

  # default_tags do not reach autoscaling groups: each tag is written
  # here and copied to the instances at launch.
  dynamic "tag" {
    for_each = local.instance_tags
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}
