variable "name" {
  description = "Name of the budget; the anomaly monitor and subscription are named after it."
  type        = string

  validation {
    condition     = length(var.name) >= 1 && length(var.name) <= 100 && !can(regex("[:\\\\]", var.name))
    error_message = "The name must be 1 to 100 characters without colons or backslashes (AWS Budgets limits)."
  }
}

variable "limit_amount" {
  description = "Budgeted spend per `time_unit`, in `limit_unit`."
  type        = number

  validation {
    condition     = var.limit_amount > 0
    error_message = "The limit_amount must be more than 0."
  }
}

variable "limit_unit" {
  description = "Currency of `limit_amount`."
  type        = string
  default     = "USD"
}

variable "time_unit" {
  description = "Period the budget resets over."
  type        = string
  default     = "MONTHLY"

  validation {
    condition     = contains(["MONTHLY", "QUARTERLY", "ANNUALLY"], var.time_unit)
    error_message = "The time_unit must be MONTHLY, QUARTERLY or ANNUALLY."
  }
}

variable "cost_filters" {
  description = "Cost filters of the budget, name to values, for example { TagKeyValue = [\"user:Team$payments\"] } to budget one team's tagged spend. Empty budgets the whole account."
  type        = map(list(string))
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for name, values in var.cost_filters : length(values) >= 1])
    error_message = "Each cost filter needs at least one value."
  }
}

variable "actual_thresholds" {
  description = "Percentages of the budget whose actual spend sends a notification."
  type        = list(number)
  default     = [80, 100]
  nullable    = false

  validation {
    condition     = alltrue([for t in var.actual_thresholds : t > 0])
    error_message = "Every actual threshold must be a percentage above 0."
  }
}

variable "forecasted_thresholds" {
  description = "Percentages of the budget whose forecast spend sends a notification, before the money is spent."
  type        = list(number)
  default     = [100]
  nullable    = false

  validation {
    condition     = alltrue([for t in var.forecasted_thresholds : t > 0])
    error_message = "Every forecasted threshold must be a percentage above 0."
  }
}

variable "notification_emails" {
  description = "Addresses that receive budget notifications and the daily or weekly anomaly summary (at most 10)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(var.notification_emails) <= 10
    error_message = "AWS Budgets accepts at most 10 email subscribers per notification."
  }

  validation {
    condition     = alltrue([for e in var.notification_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "Every notification email must look like name@example.com."
  }
}

variable "sns_topic_arn" {
  description = "SNS topic that receives budget notifications and, with anomaly_frequency IMMEDIATE, each anomaly. Its policy must let budgets.amazonaws.com and costalerts.amazonaws.com publish."
  type        = string
  default     = null

  validation {
    condition     = var.sns_topic_arn == null ? true : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.sns_topic_arn))
    error_message = "The sns_topic_arn must be an SNS topic ARN (arn:aws:sns:region:account:name) or null."
  }
}

variable "create_service_monitor" {
  description = "Create an anomaly monitor over all AWS services. AWS allows one such monitor per account; set false if the account has one and pass its ARN in monitor_arns."
  type        = bool
  default     = true
}

variable "anomaly_monitor_tag" {
  description = "Also create a monitor over the spend carrying one tag, for example { key = \"Team\", values = [\"payments\"] }; null for none."
  type = object({
    key    = string
    values = list(string)
  })
  default = null

  validation {
    condition     = var.anomaly_monitor_tag == null ? true : length(var.anomaly_monitor_tag.key) >= 1 && length(var.anomaly_monitor_tag.values) >= 1
    error_message = "The anomaly_monitor_tag needs a key and at least one value."
  }
}

variable "monitor_arns" {
  description = "ARNs of existing anomaly monitors to subscribe to as well."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "anomaly_frequency" {
  description = "DAILY or WEEKLY sends a summary by email; IMMEDIATE sends each anomaly to the SNS topic (AWS sends individual alerts only to SNS)."
  type        = string
  default     = "DAILY"

  validation {
    condition     = contains(["DAILY", "WEEKLY", "IMMEDIATE"], var.anomaly_frequency)
    error_message = "The anomaly_frequency must be DAILY, WEEKLY or IMMEDIATE."
  }
}

variable "anomaly_threshold_usd" {
  description = "Smallest total cost impact of an anomaly, in USD, that is reported."
  type        = number
  default     = 100

  validation {
    condition     = var.anomaly_threshold_usd >= 0
    error_message = "The anomaly_threshold_usd must be 0 or more."
  }
}

variable "tags" {
  description = "Tags for the budget, monitors and subscription, usually the `tags` output of the cost-tags module. Required so that no caller forgets the cost tags; when the provider's default_tags carry them, pass {}."
  type        = map(string)
  nullable    = false
}
