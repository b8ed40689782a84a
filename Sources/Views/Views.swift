// Field registry and views live here.
