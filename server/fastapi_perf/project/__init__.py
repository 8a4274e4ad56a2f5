"""What a project is made of, read from its files on disk: the manifests that declare its dependencies.

Below ``config``: settings ask these modules, never the other way round.
Nothing here executes workspace code; every manifest is read as text.
"""
