"""``accord init``: a requirements repo drafted from the fleet that exists.

- :mod:`~accord.init.survey` finds the projects and reads their sources;
- :mod:`~accord.init.draft` decides the global list, denylist and sections;
- :mod:`~accord.init.pythons` decides the supported Pythons;
- :mod:`~accord.init.licences` reads each library's licence from the index;
- :mod:`~accord.init.render` and :mod:`~accord.init.write` write the files;
- :mod:`~accord.init.run` puts the steps together.
"""
