variable "name" {
  type = string
}

resource "aws_s3_bucket" "this" {
  bucket = var.name
}

resource "aws_ebs_volume" "cache" {
  availability_zone = "eu-west-1a"
  size              = 100
  type              = "gp2"
}
