"""The optional ``guard`` detector: a heavier local ONNX model or an OpenAI-compatible guard-model endpoint,
consulted only when the shipped classifier is uncertain."""
