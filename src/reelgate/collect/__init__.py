"""pytest glue: preset files as collectors, checks as thin items over the stages' results."""
