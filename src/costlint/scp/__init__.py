"""Service control policies: model, evaluator, coverage and generator.

`policy` reads a loaded SCP into statements, `arn` matches Resource
patterns against resource types, `evaluate` decides whether an SCP set
denies a request, `coverage` proves (or disproves) that the set
enforces the bundle's required tags, `validate` checks the grammar,
`generate` writes SCPs from the bundle and `simulate` explains one
decision to a person debugging a policy.
"""
