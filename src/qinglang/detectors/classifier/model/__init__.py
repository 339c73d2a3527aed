"""The shipped model artefact (``meta.json`` + ``weights.npz``); a package so that it is installed with qinglang."""
