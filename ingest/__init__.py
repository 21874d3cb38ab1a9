"""RoleGuide ingestion: corpus files → article tree → chunks → Chroma index."""
