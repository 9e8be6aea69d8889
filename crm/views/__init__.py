"""Pages of the CRM, by topic. Thin: parse, check the role, call a service or selector."""
