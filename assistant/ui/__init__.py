"""The Gradio web UI (gradio is imported only when the app is built) and its pure HTML rendering."""
