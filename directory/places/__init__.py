"""Where things are: the Sussex gazetteer, postcodes, optional online geocoding and distances. No Flask."""
