"""Running cardlint over targets: the run loop, parallel workers and the GitHub Action entry."""
