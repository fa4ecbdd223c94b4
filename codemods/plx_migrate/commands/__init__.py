"""The codemods, one per module: the module name is the codemod id (``helper_to_compat`` -> ``helper-to-compat``).

Each public module defines exactly one ``LegacyImportCommand`` subclass (:mod:`plx_migrate._registry` checks it and
derives the registry from this folder). This is also the package that ``.libcst.codemod.yaml`` lists for
``python -m libcst.tool codemod``.
"""
