"""Retrieval: embeddings, dense + BM25 search through the Store, reciprocal rank fusion, follow-up condensing."""
