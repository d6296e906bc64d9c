"""The pipeline wired end to end for one card: source, card, facts, estimate, findings."""
