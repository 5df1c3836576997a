"""Views: a record -> the JSON body Nova gives for it at a microversion."""
