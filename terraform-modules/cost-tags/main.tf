# Cost tags win over extra tags, so a caller cannot replace a validated
# cost tag through `extra_tags`.
locals {
  cost_tags = var.tags
  all_tags  = merge(var.extra_tags, var.tags)

  # Autoscaling groups take `tag` blocks, which provider default_tags
  # never reach; propagate_at_launch copies them to the instances.
  asg_tags = [
    for key in sort(keys(local.all_tags)) : {
      key                 = key
      value               = local.all_tags[key]
      propagate_at_launch = true
    }
  ]
}
