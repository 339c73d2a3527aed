"""The classifier detector: hashed character and pinyin n-grams, a linear model, windowed long-text scoring."""
