# The payments team's monthly budget, filtered by its Team tag, with
# email and SNS notifications, plus a daily anomaly summary over all
# AWS services and over the team's tagged spend.

provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = module.cost_tags.default_tags
  }
}

module "cost_tags" {
  source = "../../../cost-tags"

  tags = {
    Team        = "payments"
    Service     = "cost-alerts"
    Environment = "production"
    CostCenter  = "cc-4100"
  }
}

data "aws_caller_identity" "current" {}

resource "aws_sns_topic" "cost_alerts" {
  name = "payments-cost-alerts"
}

# AWS Budgets and Cost Anomaly Detection publish to the topic as
# services; the account condition keeps other accounts out.
data "aws_iam_policy_document" "cost_alerts" {
  statement {
    actions   = ["SNS:Publish"]
    resources = [aws_sns_topic.cost_alerts.arn]

    principals {
      type        = "Service"
      identifiers = ["budgets.amazonaws.com", "costalerts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "cost_alerts" {
  arn    = aws_sns_topic.cost_alerts.arn
  policy = data.aws_iam_policy_document.cost_alerts.json
}

module "budget" {
  source = "../.."

  name         = "payments-monthly"
  limit_amount = 25000
  cost_filters = {
    TagKeyValue = ["user:Team$payments"]
  }

  actual_thresholds     = [80, 100]
  forecasted_thresholds = [100, 120]
  notification_emails   = ["payments-finops@example.com"]
  sns_topic_arn         = aws_sns_topic.cost_alerts.arn

  anomaly_monitor_tag = {
    key    = "Team"
    values = ["payments"]
  }
  anomaly_frequency     = "DAILY"
  anomaly_threshold_usd = 250

  tags = module.cost_tags.tags
}

output "budget_id" {
  value = module.budget.budget_id
}
