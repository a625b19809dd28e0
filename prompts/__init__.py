"""Prompt templates (Markdown files read with importlib.resources), shipped inside the installed package."""
