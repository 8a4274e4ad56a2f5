"""Layer 2: what a name means: values, symbols, the resolver, jedi, and what the workspace index answers."""
