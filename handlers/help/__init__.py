"""Help and the menu a bare mention gets."""
