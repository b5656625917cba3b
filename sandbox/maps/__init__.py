"""Indonesian areas: Biteship area ids, postal codes, names and coordinates."""
