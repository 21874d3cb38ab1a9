"""RoleGuide ingestion: corpus files → article tree → chunks → Chroma index."""

import rag  # noqa: F401  (sets the offline environment before any model library is imported)
