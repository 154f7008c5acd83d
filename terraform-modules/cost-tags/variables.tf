# The `tags` variable, with the validations generated from the policy
# bundle, is in policy.tf.

variable "extra_tags" {
  description = "Tags for resources only, such as Name, merged under the cost tags into the `tags` output and left out of `default_tags`. A key also in `tags` is overridden by `tags`."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition = alltrue([
      for key, value in var.extra_tags :
      length(key) >= 1 && length(key) <= 128 &&
      length(value) <= 256 &&
      !startswith(lower(key), "aws:")
    ])
    error_message = "Tag keys must be 1 to 128 characters and must not start with aws:, and values at most 256 characters (AWS limits)."
  }
}
