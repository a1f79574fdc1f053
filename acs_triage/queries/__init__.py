"""The KQL library: query files and their metadata (:mod:`.store`), typed literals
(:mod:`.literals`), rendering with parameter values (:mod:`.render`) and the catalog
embedded in a query (:mod:`.annotate`)."""
