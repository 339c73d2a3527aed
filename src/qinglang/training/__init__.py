"""Training the classifier detector's model from labelled data (needs scikit-learn, a dev dependency)."""
