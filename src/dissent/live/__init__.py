"""The live path: Server-Sent Events for listening sessions beside Django, on the same port."""
