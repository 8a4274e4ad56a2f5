"""The language server: a thin pygls layer over the analysis core.

Handlers convert between LSP types and the core's findings; no rule logic
lives here. One module per concern: text sync, diagnostics, code actions,
hover, settings.
"""
