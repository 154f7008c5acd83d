output "id" {
  description = "Name of the bucket."
  value       = aws_s3_bucket.this.id
}

output "arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}

output "lifecycle_rule_ids" {
  description = "IDs of the lifecycle rules (empty when lifecycle_enabled is false)."
  value       = [for config in aws_s3_bucket_lifecycle_configuration.this : config.rule[*].id]
}
