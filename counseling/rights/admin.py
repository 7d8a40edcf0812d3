"""Nothing of the rights app is on Django's admin site: requests carry her own words,
and the data protection officer's pages show the rest."""
