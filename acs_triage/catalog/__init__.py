"""The end-code catalog: its typed model (:mod:`.model`) and loading, validation and
lookup (:mod:`.loader`)."""
