output "budget_id" {
  description = "ID of the budget."
  value       = aws_budgets_budget.this.id
}

output "anomaly_monitor_arns" {
  description = "ARNs of the anomaly monitors the subscription watches."
  value       = local.monitor_arns
}

output "anomaly_subscription_arn" {
  description = "ARN of the anomaly subscription."
  value       = aws_ce_anomaly_subscription.this.arn
}
