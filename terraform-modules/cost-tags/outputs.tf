output "tags" {
  description = "The cost tags merged over `extra_tags`: pass it to a resource's `tags` or to a module's `tags` input."
  value       = local.all_tags
}

output "default_tags" {
  description = "The cost tags alone, for `provider \"aws\" { default_tags { tags = ... } }`; resource-specific keys such as Name stay out."
  value       = local.cost_tags
}

output "asg_tags" {
  description = "The merged tags as a list of {key, value, propagate_at_launch = true} objects, for the `tag` blocks of an autoscaling group."
  value       = local.asg_tags
}

output "required_tag_keys" {
  description = "The tag keys the policy bundle requires, in bundle order."
  value       = local.required_tag_keys
}

output "allowed_tag_values" {
  description = "For each required key whose values the bundle limits, the allowed values."
  value       = local.allowed_tag_values
}

output "ignore_case_tag_keys" {
  description = "Required keys whose allowed values the bundle compares without regard to case."
  value       = local.ignore_case_tag_keys
}
