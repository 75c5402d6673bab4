"""Entities: people, places and organisations, one id each across languages and scripts.

* :mod:`~storyline.entities.recognize` finds the names in a text;
* :mod:`~storyline.entities.normalize` makes the keys that join spellings and inflections;
* :mod:`~storyline.entities.knowledge` holds the gazetteer, cue words, alias file and the
  knowledge base of entities seen so far;
* :mod:`~storyline.entities.link` is the stage :class:`EntityLinker` (name ``"entities"``).
"""

from storyline.entities.link import EntityLinker, EntitySettings, relink

__all__ = ["EntityLinker", "EntitySettings", "relink"]
