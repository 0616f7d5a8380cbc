"""Plain words to commands: "I want to register a deal" runs `register-deal`."""
