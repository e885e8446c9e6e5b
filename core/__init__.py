"""What every app shares, at the bottom of the layers: roles and permissions, who is calling,
realtime events, the guarded outbound HTTP client, the domain error type. It imports no app."""
