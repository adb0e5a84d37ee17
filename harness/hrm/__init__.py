"""HRM, the Hierarchical Reasoning Model: the model (model.py) and, built on it, its data,
training and generator."""
