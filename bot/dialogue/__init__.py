"""The transport-free dialogue core: IncomingMessage in, Reply out."""
