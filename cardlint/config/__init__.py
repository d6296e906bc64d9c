"""What a run is asked to do: settings from config files, the rule catalogue and its docs."""
