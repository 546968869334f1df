"""Queries over the object index that return structured verdicts: a Service's route, a backend
reference, evidence of objects made elsewhere."""
