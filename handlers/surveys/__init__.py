"""Partner surveys: posted in the partner's channels, answered in the thread."""
