"""Ingestion: parse and validate article files, pages and feeds; chunk, de-duplicate and index them."""
