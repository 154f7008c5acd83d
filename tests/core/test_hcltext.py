"""The HCL outline: positions and expressions as written."""

from __future__ import annotations

from costlint.loaders.terraform.hcltext import outline, top_level_attrs

TEXT = """# comment with { brace
resource "aws_instance" "web" {
  user_data = <<-EOT
    #!/bin/sh
    echo "}" { not a block
  EOT
  name = "a ${var.x == "}" ? "b" : "c"} d" // trailing }
  tags = merge(
    var.tags,
    { Name = "web" },
  )
  /* block comment { */
  root_block_device {
    volume_type = "gp2"
  }
  dynamic "ebs_block_device" {
    for_each = var.disks
    content {
      device_name = ebs_block_device.value
    }
  }
}
"""


def test_outline_keeps_positions_and_expressions() -> None:
    [web] = outline(TEXT)

    assert (web.type, web.labels, web.line, web.end_line) == (
        "resource",
        ("aws_instance", "web"),
        2,
        22,
    )
    assert web.attrs["user_data"].line == 3
    assert web.attrs["name"].expr == '"a ${var.x == "}" ? "b" : "c"} d"'
    assert web.attrs["tags"].line == 8
    assert "var.tags" in web.attrs["tags"].expr
    assert [b.type for b in web.blocks] == ["root_block_device", "dynamic"]
    device = web.blocks[0]
    assert (device.line, device.attrs["volume_type"].line) == (13, 14)
    dynamic = web.blocks[1]
    assert dynamic.labels == ("ebs_block_device",)
    assert dynamic.attrs["for_each"].expr == "var.disks"


def test_escaped_interpolation_is_literal() -> None:
    [block] = outline('locals {\n  a = "$${not} {"\n  b = 1\n}\n')

    assert block.attrs["a"].expr == '"$${not} {"'
    assert block.attrs["b"].line == 3


def test_tfvars_attributes() -> None:
    attrs = top_level_attrs('region = "eu"\ntags = {\n  a = 1\n}\n')

    assert sorted(attrs) == ["region", "tags"]
    assert attrs["tags"].line == 2


def test_garbage_does_not_raise() -> None:
    for text in ('resource "a" {', '"unterminated', "}}}{{{", "<<EOF\n"):
        outline(text)
