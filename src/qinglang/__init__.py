"""qinglang (清朗): self-hosted content governance for publishing platforms of public accounts."""

__version__ = "0.1.0"
