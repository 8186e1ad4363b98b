"""The planner's REST API: bundles, hosts, plans and their mappings (docs/api.md)."""
