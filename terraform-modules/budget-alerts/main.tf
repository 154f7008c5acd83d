locals {
  notifications = concat(
    [for t in var.actual_thresholds : { type = "ACTUAL", threshold = t }],
    [for t in var.forecasted_thresholds : { type = "FORECASTED", threshold = t }],
  )

  monitor_arns = concat(
    aws_ce_anomaly_monitor.services[*].arn,
    aws_ce_anomaly_monitor.tagged[*].arn,
    var.monitor_arns,
  )

  sns_topic_arns = var.sns_topic_arn == null ? [] : [var.sns_topic_arn]

  # AWS sends daily and weekly summaries by email and individual
  # (IMMEDIATE) alerts only to SNS.
  sns_subscribers     = [for arn in local.sns_topic_arns : { type = "SNS", address = arn }]
  email_subscribers   = [for email in var.notification_emails : { type = "EMAIL", address = email }]
  anomaly_subscribers = var.anomaly_frequency == "IMMEDIATE" ? local.sns_subscribers : local.email_subscribers
}

# Static blocks come before dynamic ones in every body below: tfparse
# 0.6 (which costlint evaluates Terraform with) loses the last block a
# `dynamic` generates when a static block follows it.

resource "aws_budgets_budget" "this" {
  name         = var.name
  budget_type  = "COST"
  limit_amount = tostring(var.limit_amount)
  limit_unit   = var.limit_unit
  time_unit    = var.time_unit
  tags         = var.tags

  lifecycle {
    precondition {
      condition     = length(local.notifications) >= 1 && length(local.notifications) <= 10
      error_message = "A budget takes 1 to 10 notifications: give between 1 and 10 actual_thresholds and forecasted_thresholds in all."
    }

    precondition {
      condition     = length(var.notification_emails) > 0 || var.sns_topic_arn != null
      error_message = "Each budget notification needs a subscriber: give notification_emails, sns_topic_arn or both."
    }
  }

  dynamic "cost_filter" {
    for_each = var.cost_filters
    content {
      name   = cost_filter.key
      values = cost_filter.value
    }
  }

  dynamic "notification" {
    for_each = local.notifications
    content {
      notification_type          = notification.value.type
      comparison_operator        = "GREATER_THAN"
      threshold                  = notification.value.threshold
      threshold_type             = "PERCENTAGE"
      subscriber_email_addresses = var.notification_emails
      subscriber_sns_topic_arns  = local.sns_topic_arns
    }
  }
}

resource "aws_ce_anomaly_monitor" "services" {
  count = var.create_service_monitor ? 1 : 0

  name              = "${var.name}-services"
  monitor_type      = "DIMENSIONAL"
  monitor_dimension = "SERVICE"
  tags              = var.tags
}

resource "aws_ce_anomaly_monitor" "tagged" {
  count = var.anomaly_monitor_tag == null ? 0 : 1

  name         = "${var.name}-tag-${var.anomaly_monitor_tag.key}"
  monitor_type = "CUSTOM"
  tags         = var.tags

  monitor_specification = jsonencode({
    And            = null
    CostCategories = null
    Dimensions     = null
    Not            = null
    Or             = null
    Tags = {
      Key          = var.anomaly_monitor_tag.key
      MatchOptions = null
      Values       = var.anomaly_monitor_tag.values
    }
  })
}

resource "aws_ce_anomaly_subscription" "this" {
  name             = "${var.name}-anomalies"
  frequency        = var.anomaly_frequency
  monitor_arn_list = local.monitor_arns
  tags             = var.tags

  lifecycle {
    precondition {
      condition     = length(local.monitor_arns) >= 1
      error_message = "The anomaly subscription needs a monitor: keep create_service_monitor, set anomaly_monitor_tag, or pass monitor_arns."
    }

    precondition {
      condition     = length(local.anomaly_subscribers) >= 1
      error_message = "The anomaly subscription needs a subscriber: DAILY and WEEKLY summaries go to notification_emails, IMMEDIATE alerts to sns_topic_arn."
    }
  }

  threshold_expression {
    dimension {
      key           = "ANOMALY_TOTAL_IMPACT_ABSOLUTE"
      match_options = ["GREATER_THAN_OR_EQUAL"]
      values        = [tostring(var.anomaly_threshold_usd)]
    }
  }

  dynamic "subscriber" {
    for_each = local.anomaly_subscribers
    content {
      type    = subscriber.value.type
      address = subscriber.value.address
    }
  }
}
