"""The card layer: raw text to front matter, YAML marks, Markdown tokens; metadata validation."""
