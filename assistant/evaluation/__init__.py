"""Evaluation: run question sets through the pipeline, score answers, retrieval and citations, write reports."""
