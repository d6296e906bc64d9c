"""Policy profiles as data: the records (model), reading and choosing them (loading), and placing an
estimate against their thresholds (judging)."""
