"""Programs as data, calibration, the live coach, scoring and the plan over months."""
