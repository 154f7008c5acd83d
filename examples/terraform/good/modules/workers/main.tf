variable "cost_tags" {
  type = map(string)
}

resource "aws_launch_template" "workers" {
  name_prefix   = "workers-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "m7i.large"

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 50
      volume_type = "gp3"
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags          = var.cost_tags
  }

  tag_specifications {
    resource_type = "volume"
    tags          = var.cost_tags
  }
}

resource "aws_autoscaling_group" "workers" {
  name_prefix         = "workers-"
  min_size            = 1
  max_size            = 4
  vpc_zone_identifier = ["subnet-0aaaaaaaaaaaaaaa1"]

  launch_template {
    id      = aws_launch_template.workers.id
    version = "$Latest"
  }

  dynamic "tag" {
    for_each = var.cost_tags
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}
