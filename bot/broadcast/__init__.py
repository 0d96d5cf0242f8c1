"""Broadcasts ("Rundschreiben") from coordinators: who they reach and what chats read."""
