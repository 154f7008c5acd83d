variable "name" {
  description = "Name prefix of the group and launch template, and the instances' Name tag."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$", var.name))
    error_message = "The name must start with a letter or digit and hold only letters, digits, dots, hyphens and underscores (at most 201 characters)."
  }
}

variable "image_id" {
  description = "AMI of the instances. It must match the architecture of `instance_types` (arm64 for Graviton types such as m7g)."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets to launch in; spread them over several availability zones so that spot capacity can be found."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1
    error_message = "At least one subnet is needed."
  }
}

variable "instance_types" {
  description = "Instance types the group may launch, from current-generation families only (6th to 8th generation m, c and r families). List several of one architecture: spot capacity is found more often across several types."
  type        = list(string)
  default     = ["m7i.large", "m7a.large", "m6i.large", "m6a.large"]

  validation {
    condition     = length(var.instance_types) >= 1
    error_message = "At least one instance type is needed."
  }

  validation {
    condition = alltrue([
      for type in var.instance_types :
      length(split(".", type)) == 2 &&
      contains([
        "m6i", "m6a", "m6g", "m7i", "m7i-flex", "m7a", "m7g", "m8g",
        "c6i", "c6a", "c6g", "c7i", "c7i-flex", "c7a", "c7g", "c8g",
        "r6i", "r6a", "r6g", "r7i", "r7a", "r7g", "r8g",
      ], split(".", type)[0])
    ])
    error_message = "Every instance type must be of a current-generation family (m6i, m6a, m6g, m7i, m7i-flex, m7a, m7g, m8g, c6i, c6a, c6g, c7i, c7i-flex, c7a, c7g, c8g, r6i, r6a, r6g, r7i, r7a, r7g, r8g), written family.size; older families give less performance per dollar."
  }

  validation {
    condition = length(distinct([
      for type in var.instance_types : can(regex("^[a-z]+[0-9]+g", type))
    ])) <= 1
    error_message = "Mix no Graviton (arm64) types such as m7g.large with x86 types: one AMI serves one architecture."
  }
}

variable "min_size" {
  description = "Minimum number of instances."
  type        = number
  default     = 1

  validation {
    condition     = var.min_size >= 0 && floor(var.min_size) == var.min_size
    error_message = "The min_size must be a whole number, 0 or more."
  }
}

variable "max_size" {
  description = "Maximum number of instances."
  type        = number

  validation {
    condition     = var.max_size >= 1 && floor(var.max_size) == var.max_size
    error_message = "The max_size must be a whole number, 1 or more."
  }
}

variable "desired_capacity" {
  description = "Number of instances to start with; null lets scaling policies manage it."
  type        = number
  default     = null
}

variable "on_demand_base_capacity" {
  description = "Instances always bought on demand, before any spot instance; keeps a floor of capacity when spot is interrupted."
  type        = number
  default     = 1

  validation {
    condition     = var.on_demand_base_capacity >= 0 && floor(var.on_demand_base_capacity) == var.on_demand_base_capacity
    error_message = "The on_demand_base_capacity must be a whole number, 0 or more."
  }
}

variable "on_demand_percentage_above_base_capacity" {
  description = "Share of the instances above the base that is on demand; the rest is spot. 0 (all spot above the base) is the cheapest."
  type        = number
  default     = 0

  validation {
    condition     = var.on_demand_percentage_above_base_capacity >= 0 && var.on_demand_percentage_above_base_capacity <= 100 && floor(var.on_demand_percentage_above_base_capacity) == var.on_demand_percentage_above_base_capacity
    error_message = "The on_demand_percentage_above_base_capacity must be a whole number from 0 to 100."
  }
}

variable "spot_allocation_strategy" {
  description = "How spot capacity is chosen. price-capacity-optimized (the default) weighs price against the risk of interruption."
  type        = string
  default     = "price-capacity-optimized"

  validation {
    condition     = contains(["price-capacity-optimized", "capacity-optimized", "capacity-optimized-prioritized"], var.spot_allocation_strategy)
    error_message = "The spot_allocation_strategy must be price-capacity-optimized, capacity-optimized or capacity-optimized-prioritized; lowest-price is refused because it picks the pools most likely to be interrupted."
  }
}

variable "root_volume_size" {
  description = "Size of the root volume in GiB."
  type        = number
  default     = 20

  validation {
    condition     = var.root_volume_size >= 1 && floor(var.root_volume_size) == var.root_volume_size
    error_message = "The root_volume_size must be a whole number of GiB, 1 or more."
  }
}

variable "root_volume_type" {
  description = "Type of the root volume; gp2 is refused (gp3 is about 20% cheaper per GB with a higher baseline)."
  type        = string
  default     = "gp3"

  validation {
    condition     = contains(["gp3", "io1", "io2"], var.root_volume_type)
    error_message = "The root_volume_type must be gp3, io1 or io2; gp2 costs about 20% more per GB than gp3 for a lower baseline."
  }
}

variable "root_device_name" {
  description = "Device name of the AMI's root volume (/dev/xvda on Amazon Linux 2023)."
  type        = string
  default     = "/dev/xvda"
}

variable "security_group_ids" {
  description = "Security groups of the instances."
  type        = list(string)
  default     = []
}

variable "iam_instance_profile_name" {
  description = "Instance profile of the instances; null for none."
  type        = string
  default     = null
}

variable "user_data" {
  description = "User data script, in plain text (the module encodes it)."
  type        = string
  default     = null
}

variable "detailed_monitoring" {
  description = "One-minute CloudWatch metrics, billed per instance; basic five-minute metrics are free."
  type        = bool
  default     = false
}

variable "target_group_arns" {
  description = "Load balancer target groups to register the instances with."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for the group, its instances and their volumes, usually the `tags` output of the cost-tags module. Provider default_tags do not reach autoscaling groups or the instances they launch, so pass the cost tags here."
  type        = map(string)
  nullable    = false
}
