"""Optional LLM backends through LangChain: a registry of backends and the generative answerer."""
