"""The jobs REST API: start, follow, cancel and retry archive/extract jobs (docs/api.md)."""
