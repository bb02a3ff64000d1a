"""The Jupyter face: the only code that speaks Jupyter's protocols and tools.

- ``kernel``            an ipykernel ``Kernel`` over a ``Session``
- ``cli``               ``ccellkernel install``/``list``/``clean``/``kernel``
- ``exporters``         the nbconvert exporters ``ccell-project`` and ``ccell-script``
- ``papermill_plugin``  papermill's entry point: hands it the ``papermill.translators`` group
"""
