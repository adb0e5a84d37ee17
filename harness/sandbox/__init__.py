"""The sandbox: images, the container pool, the in-container supervisor, verdicts."""

TREE_ROOT = "/job"  # where a job's file tree lies inside a container (root's, read-only to the sandbox user)
