"""HTTP layer: one Flask blueprint per service. Handlers parse, authorise, call the domain, render."""
