"""Services: every write beyond plain CRUD and every state transition in the shared kernel."""
