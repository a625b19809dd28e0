"""Answering: answer types, the Answerer protocol, citations and their support check, prompts."""
