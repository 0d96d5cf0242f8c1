"""Knowledge: file format, loader, deadline rules and the German question matcher."""
