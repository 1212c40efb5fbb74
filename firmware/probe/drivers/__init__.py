"""Sensor drivers; each takes its I2C bus (``readfrom_mem``/``writeto_mem``) in the constructor."""
