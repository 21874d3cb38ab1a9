"""RoleGuide: grounded answers, job descriptions and role matching over articles on e-commerce roles."""
